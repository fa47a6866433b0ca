/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Prometheus text exposition of what the tracer counted: refusals by cause
 * and server port, and every kernel and userspace counter of the stats
 * record. Pure C: counting and rendering, no sockets (metrics_export.c).
 */
#ifndef WR_METRICS_H
#define WR_METRICS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "output.h"
#include "refusal.h"

/* Series by (cause, port) kept at most; later ports are counted as port="other". */
#define WR_METRICS_MAX_SERIES 512

struct wr_metric_series {
	uint8_t cause;		/* enum wr_cause */
	uint16_t port;
	uint64_t refusals;	/* records reported */
	uint64_t retries;	/* retransmitted SYNs folded into them */
	uint64_t blocked_listening;	/* firewall refusals while a socket listened on port */
};

struct wr_metrics {
	struct wr_metric_series *series;	/* sorted by cause, then port */
	size_t n, cap;
	size_t max_series;			/* WR_METRICS_MAX_SERIES; tests lower it */
	uint64_t other_refusals[WR_CAUSE_LAST + 1];	/* past max_series */
	uint64_t other_retries[WR_CAUSE_LAST + 1];
	uint64_t other_blocked_listening[WR_CAUSE_LAST + 1];
	struct timespec started;
};

void wr_metrics_init(struct wr_metrics *m, const struct timespec *started);
void wr_metrics_free(struct wr_metrics *m);
void wr_metrics_count(struct wr_metrics *m, enum wr_cause cause, uint16_t port, uint32_t retries);
/*
 * A firewall refusal (counted above) of a port a socket listened on: the
 * service is up but unreachable (whyrefused_firewall_blocked_listening_total).
 */
void wr_metrics_count_blocked_listening(struct wr_metrics *m, enum wr_cause cause, uint16_t port);
/* Writes the whole exposition (text format 0.0.4) to `f`. */
void wr_metrics_render(FILE *f, const struct wr_metrics *m, const struct wr_stats *s,
		       const struct wr_output_counts *out);

#endif /* WR_METRICS_H */
