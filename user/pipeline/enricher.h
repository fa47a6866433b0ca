/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A stage of the pipeline after decoding, behind one interface: it opens
 * what it needs once the programs are attached, adds its facts to each
 * refusal, may take a refusal to a lane of its own (a thread: nft, D-Bus),
 * does periodic work on its own timer, counts what it skipped, and closes.
 * enrichers.c lists them in the order a refusal passes them; adding a stage
 * is a new adapter and one line there. Every hook may be NULL.
 */
#ifndef WR_ENRICHER_H
#define WR_ENRICHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netns.h"
#include "output.h"
#include "refusal.h"
#include "timer.h"

struct tracer;

struct wr_enricher {
	const char *name;
	/* Once attached, before privileges are dropped; -1 with err fails the run. */
	int (*open)(struct tracer *t, void **state, char *err, size_t errlen);
	/*
	 * With fewer privileges, before the start record: a first look. tm is
	 * its timer, due every_ms from now; start may move it.
	 */
	void (*start)(struct tracer *t, void *state, struct wr_timer *tm);
	/* Adds its facts to r, on the loop's thread. */
	void (*enrich)(struct tracer *t, void *state, struct wr_refusal *r);
	/* Takes r to its lane: true, and tick hands r to t->report when done. */
	bool (*defer)(struct tracer *t, void *state, struct wr_refusal *r,
		      const struct wr_netns *ns);
	/* Periodic work when tm is due (every every_ms, 0: each turn); it may move tm. */
	void (*tick)(struct tracer *t, void *state, struct wr_timer *tm, uint64_t now);
	uint64_t every_ms;
	/* What it skipped, into the stats record. */
	void (*stats)(struct tracer *t, void *state, struct wr_stats *s);
	/* Detached: reports what it still holds (bounded), then holds nothing more. */
	void (*stop)(struct tracer *t, void *state);
	/* Frees its state, reporting nothing; also after a failed start. */
	void (*close)(struct tracer *t, void *state);
};

/* The adapters: enrich_steps.c, enrich_listeners.c, enrich_lanes.c, tracer_jobs.c. */
extern const struct wr_enricher wr_enrich_explain, wr_enrich_conntrack, wr_enrich_hook_switch,
	wr_enrich_blocker,
	wr_enrich_container, wr_enrich_nat, wr_enrich_listeners, wr_enrich_route,
	wr_enrich_syn_queue, wr_enrich_rules, wr_enrich_bpf, wr_enrich_units, wr_enrich_client_watch,
	wr_job_nf_modules, wr_job_output, wr_job_metrics_file, wr_job_stats;

/* The table, in the order a refusal passes it (enrichers.c). */
extern const struct wr_enricher *const wr_enrichers[];
extern const size_t wr_n_enrichers;

/* The running table: each enricher's state and timer, beside struct tracer's shared state. */
struct wr_pipeline {
	const struct wr_enricher *const *table;
	size_t n;
	void **state;
	struct wr_timer *timers;
};

/* pipeline.c: the table's enrichers opened, in order; -1 with err when one fails. */
int wr_pipeline_open(struct tracer *t, const struct wr_enricher *const *table, size_t n,
		     char *err, size_t errlen);
void wr_pipeline_start(struct tracer *t, uint64_t now);
/* Decoded r through every enricher, then to a lane or straight to t->report. */
void wr_pipeline_refusal(struct tracer *t, struct wr_refusal *r);
void wr_pipeline_tick(struct tracer *t, uint64_t now);
void wr_pipeline_stats(struct tracer *t, struct wr_stats *s);
void wr_pipeline_stop(struct tracer *t);
void wr_pipeline_close(struct tracer *t);

#endif /* WR_ENRICHER_H */
