// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --watch-client and --ask-watch (watch_capture.h) as a pipeline stage:
 * its sockets opened while privileges allow, its window checked each turn,
 * what it saw reported at the end. The note of each refusal it watches is
 * taken in report_refusal, after the verdict (main.c).
 */
#include "tracer.h"
#include "watch_capture.h"

/* Before the start record: a watch asked for right after it is taken. */
static int watch_open(struct tracer *t, void **state, char *err, size_t errlen)
{
	return wr_client_watch_start(&t->watch, &t->opts, &t->netns, t->netns_filter,
				     t->opts.n_netns, &t->out, err, errlen);
}

static void watch_tick(struct tracer *t, void *state, struct wr_timer *tm, uint64_t now)
{
	wr_client_watch_tick(&t->watch);
}

static void watch_stats(struct tracer *t, void *state, struct wr_stats *s)
{
	wr_client_watch_stats(&t->watch, s);
}

static void watch_stop(struct tracer *t, void *state)
{
	wr_client_watch_stop(&t->watch);	/* what it saw so far, reported */
}

const struct wr_enricher wr_enrich_client_watch = {
	.name = "client_watch",
	.open = watch_open,
	.tick = watch_tick,
	.stats = watch_stats,
	.stop = watch_stop,
	.close = watch_stop,
};
