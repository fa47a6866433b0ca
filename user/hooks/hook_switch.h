/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Hooks attached and detached while the tracer runs, and the records that
 * say so: the default mode's on-demand hooks (on_demand.h) on evidence, the
 * REJECT kprobes (reject_hooks.h) as their modules load, a netfilter
 * module's verdict hooks (nf_late.h, which reports through here).
 */
#ifndef WR_HOOK_SWITCH_H
#define WR_HOOK_SWITCH_H

#include <stdbool.h>
#include <stdint.h>

#include "hooks.h"
#include "inventory.h"
#include "on_demand.h"
#include "output.h"
#include "refusal.h"
#include "reject_hooks.h"

struct wr_hook_switch {
	struct whyrefused_bpf *skel;
	struct wr_hook_plan *plan;
	struct wr_output *out;
	struct wr_start_info *start;	/* hooks and modules, as the records show them */
	struct wr_on_demand od;
	struct wr_reject_hooks rh;
	uint64_t next_reject_poll_ms;
};

/* After the plan: what can be switched (`window_ms`: --on-demand-for, 0: default). */
void wr_switch_init(struct wr_hook_switch *sw, struct wr_hook_plan *plan, unsigned in_kallsyms,
		    uint64_t window_ms, struct wr_output *out, struct wr_start_info *start);
/* After load and attach: the REJECT hooks of modules already there. */
void wr_switch_attached(struct wr_hook_switch *sw, struct whyrefused_bpf *skel);
/* An `attach` or `detach` record: the hooks as they are now, and why. */
void wr_switch_record(struct wr_hook_switch *sw, const char *event, const char *what);
/* Was a firewall's answer to a SYN of `family` at `ts_ns` watched (the default mode)? */
bool wr_switch_answer_watched(const struct wr_hook_switch *sw, int family, uint64_t ts_ns);
/* A refusal explained: a firewall_blocked one attaches the replies hook. */
void wr_switch_refusal(struct wr_hook_switch *sw, const struct wr_refusal *r);
/* After a listener poll: a full accept queue attaches the backlog inference. */
void wr_switch_listeners(struct wr_hook_switch *sw, const struct wr_inventory *inv);
/* Each loop: on-demand hooks whose time is up go; REJECT modules that loaded. */
void wr_switch_tick(struct wr_hook_switch *sw);
/* For the stats records. */
void wr_switch_stats(const struct wr_hook_switch *sw, struct wr_stats *st);

#endif /* WR_HOOK_SWITCH_H */
