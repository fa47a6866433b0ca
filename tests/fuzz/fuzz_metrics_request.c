// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: the metrics endpoint's request-head parser over arbitrary
 * bytes. Besides memory safety, its verdict must be final: the server acts
 * on the first verdict that is not "incomplete", so no longer input that
 * starts the same may be judged otherwise.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_request.h"

/* The verdict on the first n bytes, from an exact-size copy (ASan sees overreads). */
static enum wr_request judge(const uint8_t *data, size_t n)
{
	char *b = malloc(n ? n : 1);
	enum wr_request v;

	if (!b)
		abort();
	memcpy(b, data, n);
	v = wr_request_parse(b, n);
	free(b);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum wr_request whole = judge(data, size), part;
	size_t cuts[2] = { size / 2, size ? data[0] * size / 256 : 0 }, i;

	if (whole > WR_REQ_BAD)
		abort();
	/* Nothing decided without a line's end, unless the head is too long. */
	if (whole != WR_REQ_INCOMPLETE && size < WR_REQ_HEAD_MAX && !memchr(data, '\n', size))
		abort();
	if (whole == WR_REQ_METRICS && (size < 5 || memcmp(data, "GET /", 5)))
		abort();
	for (i = 0; i < 2; i++) {
		part = judge(data, cuts[i]);
		if (part != WR_REQ_INCOMPLETE && part != whole)
			abort();
	}
	return 0;
}
