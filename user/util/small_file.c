// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "small_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

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

ssize_t wr_read_small_file_at(int dir, const char *name, char *buf, size_t len)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t used = 0;
	ssize_t n = 0;

	if (fd < 0 || !len) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (used + 1 < len && (n = read(fd, buf + used, len - 1 - used)) > 0)
		used += (size_t)n;
	close(fd);
	buf[used] = '\0';
	return n < 0 ? -1 : (ssize_t)used;
}
