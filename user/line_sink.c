// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "line_sink.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
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

/* Records are counted as written when their newline is. */
static void consume(struct wr_sink *s, size_t n)
{
	s->written += count_lines(s->buf, n);
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
}

/* The fd failed for good: what is queued cannot be written. */
static void discard(struct wr_sink *s)
{
	s->dropped += wr_sink_pending(s);
	s->len = 0;
}

void wr_sink_flush(struct wr_sink *s)
{
	while (s->len) {
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };
		ssize_t n;

		if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLOUT | POLLERR | POLLHUP)))
			return;	/* full: try again on the next turn of the loop */
		/* POLLOUT on a pipe promises room for PIPE_BUF bytes, not more. */
		n = write(s->fd, s->buf, s->len < PIPE_BUF ? s->len : PIPE_BUF);
		if (n > 0) {
			consume(s, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		s->write_errors++;
		if (n < 0 && errno == EPIPE)
			s->reader_gone = true;
		discard(s);
		return;
	}
}

void wr_sink_drain(struct wr_sink *s, int timeout_ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };
		long elapsed;

		wr_sink_flush(s);
		if (!s->len)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		elapsed = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (elapsed >= timeout_ms)
			break;
		poll(&p, 1, (int)(timeout_ms - elapsed));
	}
	discard(s);
}
