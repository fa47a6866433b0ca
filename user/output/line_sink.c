// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "line_sink.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int wr_sink_init(struct wr_sink *s, int fd, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->cap = cap;
	s->buf = malloc(cap);
	return s->buf ? 0 : -1;
}

void wr_sink_free(struct wr_sink *s)
{
	free(s->buf);
	s->buf = NULL;
}

static uint64_t count_lines(const char *p, size_t n)
{
	uint64_t lines = 0;
	const char *end = p + n;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lines++;
		p++;
	}
	return lines;
}

uint64_t wr_sink_pending(const struct wr_sink *s)
{
	return count_lines(s->buf, s->len);
}

void wr_sink_put(struct wr_sink *s, const char *line)
{
	size_t n = strlen(line);

	if (s->len + n + 1 > s->cap) {
		wr_sink_flush(s);	/* make room if the reader allows */
		if (s->len + n + 1 > s->cap) {
			s->dropped++;
			return;
		}
	}
	memcpy(s->buf + s->len, line, n);
	s->buf[s->len + n] = '\n';
	s->len += n + 1;
}

static bool same_file(int fd, uint64_t dev, uint64_t ino)
{
	struct stat st;

	return !fstat(fd, &st) && st.st_dev == dev && st.st_ino == ino;
}

/* Records are counted as written when their newline is. */
static void consume(struct wr_sink *s, size_t n)
{
	uint64_t lines = count_lines(s->buf, n);
	bool was_mid = s->mid_record;
	struct stat st;

	s->written += lines;
	s->mid_record = s->buf[n - 1] != '\n';
	/* A record cut short here: which file holds its head. */
	if (s->mid_record && (lines || !was_mid) && !fstat(s->fd, &st)) {
		s->cut_dev = st.st_dev;
		s->cut_ino = st.st_ino;
	}
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
}

/* The record cut short will not be completed: its prefix stays, damaged. */
static void drop_cut_record(struct wr_sink *s)
{
	const char *nl = memchr(s->buf, '\n', s->len);
	size_t n = nl ? (size_t)(nl - s->buf) + 1 : s->len;

	s->damaged = true;
	s->mid_record = false;
	s->dropped++;
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
}

/* The fd failed for good: what is queued cannot be written. */
static void discard(struct wr_sink *s)
{
	if (s->mid_record)
		drop_cut_record(s);
	s->dropped += wr_sink_pending(s);
	s->len = 0;
}

/* What a failed write means: 0 try later (the queue stays), -1 given up. */
static int write_failed(struct wr_sink *s, ssize_t n)
{
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0 && (errno == ENOSPC || errno == EDQUOT)) {
		if (!s->disk_full)
			s->write_errors++;
		s->disk_full = true;
		return 0;
	}
	s->write_errors++;
	if (n < 0 && (errno == EPIPE || errno == EBADF)) {
		s->reader_gone = true;
		s->gone_errno = errno;
	}
	discard(s);
	return -1;
}

/*
 * Before the first byte after a damaged prefix: a newline, so the next
 * record starts a line. Not if the fd is another file now (rotated): that
 * one has no damaged line. 1 when the newline is written or not needed.
 */
static int end_damaged_line(struct wr_sink *s)
{
	ssize_t n;

	if (!s->damaged)
		return 1;
	if (!same_file(s->fd, s->cut_dev, s->cut_ino)) {
		s->damaged = false;
		return 1;
	}
	n = write(s->fd, "\n", 1);
	if (n == 1) {
		s->damaged = false;
		s->disk_full = false;
		return 1;
	}
	write_failed(s, n);
	return 0;
}

void wr_sink_flush(struct wr_sink *s)
{
	while (s->len) {
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };
		ssize_t n;

		/* POLLNVAL, a closed fd: the write says EBADF. */
		if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLOUT | POLLERR | POLLHUP | POLLNVAL)))
			return;	/* full: try again on the next turn of the loop */
		/* Rotated mid-record: the rest must not start the new file. */
		if (s->mid_record && !same_file(s->fd, s->cut_dev, s->cut_ino))
			drop_cut_record(s);
		if (!end_damaged_line(s) || !s->len)
			return;
		/* POLLOUT on a pipe promises room for PIPE_BUF bytes, not more. */
		n = write(s->fd, s->buf, s->len < PIPE_BUF ? s->len : PIPE_BUF);
		if (n > 0) {
			s->disk_full = false;
			consume(s, (size_t)n);
			continue;
		}
		write_failed(s, n);
		return;
	}
}

void wr_sink_drain(struct wr_sink *s, int timeout_ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };
		long elapsed, wait;

		wr_sink_flush(s);
		if (!s->len)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		elapsed = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (elapsed >= timeout_ms)
			break;
		wait = timeout_ms - elapsed;
		/* A file always polls writable: on a full disk, retry every 100 ms. */
		if (s->disk_full)
			poll(NULL, 0, (int)(wait < 100 ? wait : 100));
		else
			poll(&p, 1, (int)wait);
	}
	discard(s);
}
