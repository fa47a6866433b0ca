// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: arbitrary bytes as /proc/PID/cgroup, whose paths a user or a
 * container may have named. A container found has a runtime, and an id of
 * exactly 64 lowercase hex digits that is a whole component of one of the
 * input's paths.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "containers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct wr_container c;
	const char *at;
	size_t i;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (wr_container_from_cgroup(text, &c)) {
		if (!c.runtime[0] || strlen(c.id) != 64)
			abort();
		for (i = 0; i < 64; i++)
			if (!isxdigit((unsigned char)c.id[i]) || isupper((unsigned char)c.id[i]))
				abort();
		at = strstr(text, c.id);
		if (!at)
			abort();
	} else if (c.runtime[0] || c.id[0]) {
		abort();	/* nothing half-filled */
	}
	free(text);
	return 0;
}
