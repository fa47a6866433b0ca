/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the stages share while the tracer runs: options, output, the kernel
 * objects, the listener inventory and the namespaces. What one stage alone
 * needs is its own (enricher.h: each enricher's state).
 */
#ifndef WR_TRACER_H
#define WR_TRACER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "watch_capture.h"
#include "cli.h"
#include "enricher.h"
#include "event_decode.h"
#include "hook_switch.h"
#include "hooks.h"
#include "inventory.h"
#include "line_sink.h"
#include "metrics.h"
#include "metrics_export.h"
#include "netns.h"
#include "nf_late.h"
#include "nf_modules.h"
#include "output.h"
#include "proc_ends.h"
#include "rule_owners.h"

struct tracer {
	struct wr_options opts;
	struct wr_output out;
	struct wr_decode_ctx dctx;
	struct wr_stats stats;
	struct whyrefused_bpf *skel;
	struct wr_client_watch watch;	/* --watch-client, --ask-watch: did its SYNs get here? */
	/* The kernel's types our programs relocate, pruned (core_btf.h): -1 or its memfd until the load. */
	int core_btf_fd;
	char core_btf_path[64];
	struct wr_inventory inv;	/* who listens where, and who stopped */
	struct wr_netns_list netns;
	struct wr_proc_ends ends;	/* how the processes that listened ended */
	struct wr_hook_switch sw;	/* hooks attached and detached while running */
	struct wr_hook_plan plan;
	struct wr_start_info start;	/* the start record; netfilter modules change it */
	uint32_t netns_filter[WR_MAX_NETNS];	/* --netns, resolved to inodes */
	struct wr_sink sink;		/* stdout or --output, never blocking us */
	struct wr_metrics metrics;	/* --metrics, --metrics-file: by cause and port */
	struct wr_metrics_server msrv;
	bool final_counters;		/* detached: the counters will not move again */
	struct wr_nf_modules nf_mods;	/* netfilter modules at start */
	char nf_note[512];		/* what their absence costs (start record) */
	struct wr_nf_late *nf_late;	/* their hooks, when they load after start */
	struct wr_owners owners;	/* who owns a firewall rule (rule_owners.conf) */
	struct wr_pipeline pipe;	/* the enrichers' states and timers */
	/* The last steps, once every enricher and lane is done with r (main.c). */
	void (*report)(void *t, struct wr_refusal *r);
};

/* SIGHUP asked to reopen --output (tracer_jobs.c's output job does). */
extern volatile sig_atomic_t wr_reopen_output;
/* --output: never through a symlink at PATH, root would append to whatever it names. */
int wr_open_output(const char *path);
/* --metrics-file, rewritten now (at start, on its timer, at exit). */
void wr_tracer_write_metrics(struct tracer *t);
/* The start record's netfilter_modules, as they are now. */
void wr_describe_modules(const struct wr_nf_modules *m, struct wr_start_info *s);
/* One of the kernel's counters (WR_CNT_*), summed over CPUs; 0 if unread. */
uint64_t wr_tracer_counter(struct tracer *t, uint32_t idx);
/* The kernel's counters into t->stats, with what each enricher skipped. */
void wr_tracer_read_counters(struct tracer *t);

#endif /* WR_TRACER_H */
