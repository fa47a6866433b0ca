// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "small_file.h"

#include <stdio.h>

ssize_t wr_read_small_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f || !len) {
		if (f)
			fclose(f);
		return -1;
	}
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (ssize_t)n;
}
