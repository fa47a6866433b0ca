// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The table of enrichers (enricher.h), in the order a refusal passes them
 * (pipeline.c runs it). Adding a stage: its adapter, declared in
 * enricher.h, and one line here.
 */
#include "enricher.h"

const struct wr_enricher *const wr_enrichers[] = {
	&wr_enrich_explain,	/* enrich_steps.c: the kernel's event, read */
	&wr_enrich_conntrack,	/* a full conntrack table, not a rule */
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
	&wr_enrich_client_watch, /* enrich_watch.c: --watch-client, did its SYNs get here? */
	/* tracer_jobs.c: the tracer's own periodic work, no facts */
	&wr_job_nf_modules,	/* netfilter modules loaded since start */
	&wr_job_output,		/* SIGHUP, the sink, metrics clients */
	&wr_job_metrics_file,
	&wr_job_stats,		/* --stats-interval */
};
const size_t wr_n_enrichers = sizeof(wr_enrichers) / sizeof(wr_enrichers[0]);
