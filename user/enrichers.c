// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The table of enrichers (enricher.h), in the order a refusal passes them,
 * and the loops that run it: open, start, each refusal, each turn's
 * timers, stats, stop, close. Adding a stage: its adapter, and one line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tracer.h"

extern const struct wr_enricher wr_enrich_explain, wr_enrich_hook_switch, wr_enrich_blocker,
	wr_enrich_container, wr_enrich_nat, wr_enrich_listeners, wr_enrich_route,
	wr_enrich_syn_queue, wr_enrich_rules, wr_enrich_bpf, wr_enrich_units,
	wr_job_nf_modules, wr_job_output, wr_job_metrics_file, wr_job_stats;

const struct wr_enricher *const wr_enrichers[] = {
	&wr_enrich_explain,	/* enrich_steps.c: the kernel's event, read */
	&wr_enrich_hook_switch,	/* hooks attached on evidence */
	&wr_enrich_blocker,	/* a BPF program the SYN should meet */
	&wr_enrich_container,
	&wr_enrich_nat,		/* what the client dialled */
	&wr_enrich_listeners,	/* enrich_listeners.c: what listens instead, and why */
	&wr_enrich_route,
	&wr_enrich_syn_queue,
	&wr_enrich_rules,	/* enrich_lanes.c: the firewall rule, on a lane */
	&wr_enrich_bpf,		/* the BPF program, on a lane */
	&wr_enrich_units,	/* the systemd unit, on a lane */
	/* tracer_jobs.c: the tracer's own periodic work, no facts */
	&wr_job_nf_modules,	/* netfilter modules loaded since start */
	&wr_job_output,		/* SIGHUP, the sink, metrics clients */
	&wr_job_metrics_file,
	&wr_job_stats,		/* --stats-interval */
};
const size_t wr_n_enrichers = sizeof(wr_enrichers) / sizeof(wr_enrichers[0]);

int wr_pipeline_open(struct tracer *t, char *err, size_t errlen)
{
	struct wr_pipeline *p = &t->pipe;

	p->state = calloc(wr_n_enrichers, sizeof(*p->state));
	p->timers = calloc(wr_n_enrichers, sizeof(*p->timers));
	if (!p->state || !p->timers) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < wr_n_enrichers; i++)
		if (wr_enrichers[i]->open && wr_enrichers[i]->open(t, &p->state[i], err, errlen))
			return -1;
	return 0;
}

void wr_pipeline_start(struct tracer *t, uint64_t now)
{
	for (size_t i = 0; i < wr_n_enrichers; i++) {
		const struct wr_enricher *e = wr_enrichers[i];

		t->pipe.timers[i] = (struct wr_timer){ e->every_ms, now + e->every_ms };
		if (e->start)
			e->start(t, t->pipe.state[i], &t->pipe.timers[i]);
	}
}

void wr_pipeline_refusal(struct tracer *t, struct wr_refusal *r)
{
	const struct wr_netns *ns;
	size_t i;

	for (i = 0; i < wr_n_enrichers; i++)
		if (wr_enrichers[i]->enrich)
			wr_enrichers[i]->enrich(t, t->pipe.state[i], r);
	/* Slow steps run on lanes of their own (nft, D-Bus), then t->report. */
	ns = wr_netns_lookup(&t->netns, r->netns);
	for (i = 0; i < wr_n_enrichers; i++)
		if (wr_enrichers[i]->defer && wr_enrichers[i]->defer(t, t->pipe.state[i], r, ns))
			return;
	t->report(t, r);
}

void wr_pipeline_tick(struct tracer *t, uint64_t now)
{
	for (size_t i = 0; i < wr_n_enrichers; i++)
		if (wr_enrichers[i]->tick && wr_timer_due(&t->pipe.timers[i], now))
			wr_enrichers[i]->tick(t, t->pipe.state[i], &t->pipe.timers[i], now);
}

void wr_pipeline_stats(struct tracer *t, struct wr_stats *s)
{
	for (size_t i = 0; i < wr_n_enrichers; i++)
		if (wr_enrichers[i]->stats && t->pipe.state)
			wr_enrichers[i]->stats(t, t->pipe.state[i], s);
}

/* What each skipped is counted first: the lanes' last counts, as they stop. */
void wr_pipeline_stop(struct tracer *t)
{
	wr_pipeline_stats(t, &t->stats);
	for (size_t i = 0; i < wr_n_enrichers; i++)
		if (wr_enrichers[i]->stop)
			wr_enrichers[i]->stop(t, t->pipe.state[i]);
}

void wr_pipeline_close(struct tracer *t)
{
	struct wr_pipeline *p = &t->pipe;

	for (size_t i = 0; p->state && i < wr_n_enrichers; i++)
		if (wr_enrichers[i]->close)
			wr_enrichers[i]->close(t, p->state[i]);
	free(p->state);
	free(p->timers);
	p->state = NULL;
	p->timers = NULL;
}
