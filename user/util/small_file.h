/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A small file (/proc/PID/cgroup, cmdline, stat) read whole into a buffer. */
#ifndef WR_SMALL_FILE_H
#define WR_SMALL_FILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Up to len - 1 bytes of `path` into buf, NUL-terminated (a cmdline's own
 * NULs stay). Returns the bytes read, or -1 when it cannot be opened.
 */
ssize_t wr_read_small_file(const char *path, char *buf, size_t len);

/*
 * The same for file `name` under directory fd `dir` (a /proc/PID opened
 * once, so a reused pid is not read as the same process), no symlink
 * followed. Returns the bytes read, or -1 when it cannot be opened or read.
 */
ssize_t wr_read_small_file_at(int dir, const char *name, char *buf, size_t len);

#endif /* WR_SMALL_FILE_H */
