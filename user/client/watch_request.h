/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What root asks a running tracer on its watch socket (watch_socket.c), one
 * line: "watch ADDR[/PREFIX] [for=MS] [window=MS] [json]". Pure: the
 * parser, fuzzed, and the line `whyrefused --ask-watch` sends.
 */
#ifndef WR_WATCH_REQUEST_H
#define WR_WATCH_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

#define WR_WATCH_REQUEST_MAX	256	/* a longer line is refused, never read on */

struct wr_watch_request {
	struct wr_cidr who;
	uint64_t wait_ms;	/* 0: the tracer's --watch-for */
	uint64_t window_ms;	/* 0: the tracer's --watch-window */
	bool json;		/* the report comes back as the JSON record */
};

/* `line` (n bytes, any bytes, a final '\n' allowed). 0, or -1 with a one-line `err`. */
int wr_watch_request_parse(const char *line, size_t n, struct wr_watch_request *req,
			   char *err, size_t errlen);
/* The line for `req`, '\n' ended; its length, or 0 if `len` is too small. */
size_t wr_watch_request_format(const struct wr_watch_request *req, char *buf, size_t len);

#endif /* WR_WATCH_REQUEST_H */
