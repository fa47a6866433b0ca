/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where the metrics go: a tiny HTTP endpoint for Prometheus (GET /metrics),
 * answered from the tracer's own loop, and a textfile for node_exporter's
 * textfile collector, replaced atomically.
 *
 * The endpoint never blocks the loop: its sockets are non-blocking, each
 * client is a slot that reads its request head, then writes its answer
 * (rendered once, when the head is complete), as far as the socket allows
 * at each step. A whole exchange has WR_METRICS_DEADLINE_MS from accept;
 * a client still unfinished then is cut off (RST), whether it sends too
 * slowly or never reads its answer.
 */
#ifndef WR_METRICS_EXPORT_H
#define WR_METRICS_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "metrics_request.h"

#define WR_METRICS_CLIENTS	16	/* served at once; a 17th closes the oldest */
#define WR_METRICS_DEADLINE_MS	2000	/* from accept to the answer's last byte */

typedef void (*wr_render_fn)(FILE *f, void *arg);

struct wr_metrics_client {
	bool used;
	int fd;
	uint64_t deadline_ms;	/* CLOCK_MONOTONIC; also tells the oldest client */
	char *answer;		/* NULL while the head is read */
	size_t answer_len, sent;
	bool scrape;		/* the answer is the metrics (else 400/404/405) */
	size_t head_len;
	char head[WR_REQ_HEAD_MAX];
};

struct wr_metrics_server {
	int fd;			/* listening socket, -1 when off */
	unsigned int deadline_ms;	/* WR_METRICS_DEADLINE_MS; tests lower it */
	uint64_t accept_after_ms;	/* out of fds: accept again from then on */
	/* How each accepted connection ended (exported with the metrics): */
	uint64_t scrapes;	/* the metrics, answered in full */
	uint64_t bad_requests;	/* answered 400/404/405, or gone before its answer */
	uint64_t timeouts;	/* not done by the deadline: cut off */
	uint64_t evicted;	/* cut off for a newer client, all slots busy */
	struct wr_metrics_client clients[WR_METRICS_CLIENTS];
};

/* Binds and listens. 0, or -1 with `err` ("cannot listen on ...: why"). */
int wr_metrics_listen(struct wr_metrics_server *srv, const struct wr_sockaddr *a,
		      char *err, size_t errlen);
/*
 * Waits up to timeout_ms (less when a client's deadline comes first) until
 * `fd` (e.g. libbpf's ring buffer epoll fd; -1: none) is readable or a
 * metrics socket is ready. A signal ends the wait early, never extends it.
 * Returns poll()'s count, 0 on timeout or signal, -1 on another error.
 */
int wr_metrics_wait(const struct wr_metrics_server *srv, int fd, int timeout_ms);
/*
 * One step for every client: accepts new ones, reads what was sent, writes
 * what the socket takes, cuts off those past their deadline. Never blocks.
 */
void wr_metrics_serve(struct wr_metrics_server *srv, wr_render_fn render, void *arg);
void wr_metrics_close(struct wr_metrics_server *srv);

/*
 * Writes a new file beside PATH (created, never through a symlink) then
 * renames it over PATH: a reader never sees half a file.
 */
int wr_metrics_write_file(const char *path, wr_render_fn render, void *arg,
			  char *err, size_t errlen);

#endif /* WR_METRICS_EXPORT_H */
