// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libFuzzer: a line an asker sent the tracer's watch socket (watch_request.c). */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "watch_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wr_watch_request req;
	char *line = fuzz_bytes(data, size), err[256], out[300];

	if (!line)
		return 0;
	if (!wr_watch_request_parse(line, size, &req, err, sizeof(err)))
		wr_watch_request_format(&req, out, sizeof(out));
	free(line);
	return 0;
}
