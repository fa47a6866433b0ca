// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Runs a table of enrichers (enricher.h; the tracer's is enrichers.c):
 * open, start, each refusal through every enricher then a lane or the
 * report, each turn's timers, stats, stop, close.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tracer.h"

int wr_pipeline_open(struct tracer *t, const struct wr_enricher *const *table, size_t n,
		     char *err, size_t errlen)
{
	struct wr_pipeline *p = &t->pipe;

	p->table = table;
	p->n = n;
	p->state = calloc(p->n, sizeof(*p->state));
	p->timers = calloc(p->n, sizeof(*p->timers));
	if (!p->state || !p->timers) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < p->n; i++)
		if (p->table[i]->open && p->table[i]->open(t, &p->state[i], err, errlen))
			return -1;
	return 0;
}

void wr_pipeline_start(struct tracer *t, uint64_t now)
{
	const struct wr_pipeline *p = &t->pipe;

	for (size_t i = 0; i < p->n; i++) {
		const struct wr_enricher *e = p->table[i];

		p->timers[i] = (struct wr_timer){ e->every_ms, now + e->every_ms };
		if (e->start)
			e->start(t, p->state[i], &p->timers[i]);
	}
}

void wr_pipeline_refusal(struct tracer *t, struct wr_refusal *r)
{
	const struct wr_pipeline *p = &t->pipe;
	const struct wr_netns *ns;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->table[i]->enrich)
			p->table[i]->enrich(t, p->state[i], r);
	/* Slow steps run on lanes of their own (nft, D-Bus), then t->report. */
	ns = wr_netns_lookup(&t->netns, r->netns);
	for (i = 0; i < p->n; i++)
		if (p->table[i]->defer && p->table[i]->defer(t, p->state[i], r, ns))
			return;
	t->report(t, r);
}

void wr_pipeline_tick(struct tracer *t, uint64_t now)
{
	const struct wr_pipeline *p = &t->pipe;

	for (size_t i = 0; i < p->n; i++)
		if (p->table[i]->tick && wr_timer_due(&p->timers[i], now))
			p->table[i]->tick(t, p->state[i], &p->timers[i], now);
}

void wr_pipeline_stats(struct tracer *t, struct wr_stats *s)
{
	const struct wr_pipeline *p = &t->pipe;

	for (size_t i = 0; i < p->n; i++)
		if (p->table[i]->stats && p->state)
			p->table[i]->stats(t, p->state[i], s);
}

/* What each skipped is counted first: the lanes' last counts, as they stop. */
void wr_pipeline_stop(struct tracer *t)
{
	const struct wr_pipeline *p = &t->pipe;

	wr_pipeline_stats(t, &t->stats);
	for (size_t i = 0; i < p->n; i++)
		if (p->table[i]->stop)
			p->table[i]->stop(t, p->state[i]);
}

void wr_pipeline_close(struct tracer *t)
{
	struct wr_pipeline *p = &t->pipe;

	for (size_t i = 0; p->state && i < p->n; i++)
		if (p->table[i]->close)
			p->table[i]->close(t, p->state[i]);
	free(p->state);
	free(p->timers);
	p->state = NULL;
	p->timers = NULL;
}
