// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: arbitrary bytes as a would-be conmon's /proc/PID/cmdline (NUL-
 * separated, anyone's to choose) and as its /proc/PID/exe link. A container
 * found has podman as its runtime, a 64-hex id, and a name that fits.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "containers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* `size` bytes and a NUL after them, as read_at() leaves a cmdline (not always NUL-ended). */
	char *args = malloc(size + 1);
	struct wr_container c;

	if (!args)
		return 0;
	memcpy(args, data, size);
	args[size] = '\0';
	if (wr_container_from_conmon_args(args, size, &c)) {
		if (strcmp(c.runtime, "podman") || strlen(c.id) != 64 ||
		    strnlen(c.name, sizeof(c.name)) >= sizeof(c.name))
			abort();
		for (size_t i = 0; i < 64; i++)
			if (!isxdigit((unsigned char)c.id[i]))
				abort();
	} else if (c.runtime[0] || c.id[0] || c.name[0]) {
		abort();
	}
	/* The same bytes as an executable's path: only podman's own places. */
	if (wr_container_conmon_exe(args) && strncmp(args, "/usr/", 5))
		abort();
	free(args);
	return 0;
}
