/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a metrics client asked for, from the bytes of its request head as
 * they arrived so far. Pure: no I/O, any bytes (unit tested and fuzzed,
 * tests/fuzz/fuzz_metrics_request.c).
 */
#ifndef WR_METRICS_REQUEST_H
#define WR_METRICS_REQUEST_H

#include <stddef.h>

/* The longest head read; Prometheus sends a few hundred bytes. */
#define WR_REQ_HEAD_MAX 4096

enum wr_request {
	WR_REQ_INCOMPLETE,	/* the head has not ended yet: read more */
	WR_REQ_METRICS,		/* GET /metrics or GET /: the metrics */
	WR_REQ_NOT_FOUND,	/* GET of another path: 404 */
	WR_REQ_BAD_METHOD,	/* another method: 405 */
	WR_REQ_BAD,		/* not an HTTP/1.x request, or a head too long: 400 */
};

/*
 * Judges the first `len` bytes a client sent (not NUL-terminated, may hold
 * any byte). A head ends with an empty line (CRLF or bare LF); a malformed
 * request line is WR_REQ_BAD as soon as it is complete, and so is a head
 * still unfinished after WR_REQ_HEAD_MAX bytes.
 */
enum wr_request wr_request_parse(const char *buf, size_t len);

#endif /* WR_METRICS_REQUEST_H */
