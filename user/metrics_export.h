/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where the metrics go: a tiny HTTP endpoint for Prometheus (GET /metrics),
 * answered from the tracer's own loop, and a textfile for node_exporter's
 * textfile collector, replaced atomically.
 */
#ifndef WR_METRICS_EXPORT_H
#define WR_METRICS_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

typedef void (*wr_render_fn)(FILE *f, void *arg);

struct wr_metrics_server {
	int fd;			/* listening socket, -1 when off */
	uint64_t scrapes;	/* requests answered with the metrics */
	uint64_t bad_requests;	/* answered 404/400, or gave up on a slow client */
};

/* Binds and listens. 0, or -1 with `err` ("cannot listen on ...: why"). */
int wr_metrics_listen(struct wr_metrics_server *srv, const struct wr_sockaddr *a,
		      char *err, size_t errlen);
/*
 * Answers the scrapes waiting to be accepted; never blocks for long (a slow
 * client gets 100 ms to send its request and to take the answer).
 */
void wr_metrics_serve(struct wr_metrics_server *srv, wr_render_fn render, void *arg);
void wr_metrics_close(struct wr_metrics_server *srv);

/* Writes PATH.tmp then renames it over PATH: a reader never sees half a file. */
int wr_metrics_write_file(const char *path, wr_render_fn render, void *arg,
			  char *err, size_t errlen);

#endif /* WR_METRICS_EXPORT_H */
