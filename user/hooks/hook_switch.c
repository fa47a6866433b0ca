// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "hook_switch.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "hints.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* the clock of bpf_ktime_get_ns() */
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t mono_ms(void)
{
	return mono_ns() / 1000000;
}

void wr_switch_init(struct wr_hook_switch *sw, struct wr_hook_plan *plan, unsigned in_kallsyms,
		    uint64_t window_ms, struct wr_output *out, struct wr_start_info *start)
{
	*sw = (struct wr_hook_switch){ .plan = plan, .out = out, .start = start };
	sw->od.avail = plan->on_demand;
	sw->od.window_ms = window_ms;
	sw->od.backlog_alone = plan->backlog_fn != WR_ATTACH_NONE;
	wr_reject_hooks_init(&sw->rh, plan->default_mode && plan->reject_kprobes, in_kallsyms);
	plan->rejects = sw->rh.what;
}

void wr_switch_attached(struct wr_hook_switch *sw, struct whyrefused_bpf *skel)
{
	sw->skel = skel;
	wr_reject_hooks_poll(&sw->rh, skel, mono_ns());
}

void wr_switch_record(struct wr_hook_switch *sw, const char *event, const char *what)
{
	struct wr_start_info *s = sw->start;

	clock_gettime(CLOCK_REALTIME, &s->ts);
	wr_hooks_describe(sw->plan, s);
	wr_output_attach(sw->out, s, event, what);
}

bool wr_switch_answer_watched(const struct wr_hook_switch *sw, int family, uint64_t ts_ns)
{
	if (!sw->plan->default_mode)
		return sw->plan->replies;
	return wr_od_replies_watched(&sw->od, ts_ns) ||
	       wr_reject_hooks_watched(&sw->rh, family, ts_ns);
}

static const char *on_demand_names(const struct wr_hook_switch *sw, unsigned hooks)
{
	const char *backlog = sw->plan->backlog_fn == WR_ATTACH_NONE ? "skb:consume_skb" :
			      sw->plan->listen_overflow_reason ? "tcp_conn_request" :
			      "tcp_conn_request and tcp_v4/v6_syn_recv_sock";
	static char both[128];

	if (!(hooks & WR_OD_BACKLOG))
		return "net:net_dev_queue";
	if (!(hooks & WR_OD_REPLIES))
		return backlog;
	snprintf(both, sizeof(both), "net:net_dev_queue and %s", backlog);
	return both;
}

static unsigned long long window_s(const struct wr_hook_switch *sw)
{
	return (sw->od.window_ms ? sw->od.window_ms : WR_ON_DEMAND_MS) / 1000;
}

/* Evidence for on-demand hooks: attach those not on yet, say why. */
static void want(struct wr_hook_switch *sw, unsigned what, const char *why)
{
	unsigned add = wr_od_want(&sw->od, what, mono_ms());
	char msg[512];
	int e;

	if (!add)
		return;
	e = wr_hooks_on_demand(sw->skel, sw->plan, add, true);
	if (e) {	/* said once: the kernel will not change its mind */
		snprintf(msg, sizeof(msg), "cannot attach %s (%s): %s", on_demand_names(sw, add),
			 strerror(-e), why);
		wr_hooks_on_demand(sw->skel, sw->plan, add, false);
		sw->od.avail &= ~add;
		sw->plan->on_demand &= ~add;
		wr_switch_record(sw, "detach", msg);
		return;
	}
	wr_od_attached(&sw->od, add, mono_ms(), mono_ns());
	snprintf(msg, sizeof(msg), "%s attached for %llu s: %s", on_demand_names(sw, add),
		 window_s(sw), why);
	wr_switch_record(sw, "attach", msg);
}

void wr_switch_refusal(struct wr_hook_switch *sw, const struct wr_refusal *r)
{
	char why[320];
	bool v6 = r->family == AF_INET6;

	if (r->cause != WR_CAUSE_FIREWALL_BLOCKED)
		return;
	if (sw->od.on & WR_OD_REPLIES) {	/* a blocked SYN read late: keeps them on */
		wr_od_want(&sw->od, WR_OD_REPLIES, mono_ms());
		return;
	}
	snprintf(why, sizeof(why), "a firewall blocked %s%s%s:%u -> %s%s%s:%u in netns %u; from "
		 "now on a REJECT is told from a DROP by its answer", v6 ? "[" : "", r->saddr,
		 v6 ? "]" : "", r->sport, v6 ? "[" : "", r->daddr, v6 ? "]" : "", r->dport,
		 r->netns);
	want(sw, WR_OD_REPLIES, why);
}

void wr_switch_listeners(struct wr_hook_switch *sw, const struct wr_inventory *inv)
{
	const struct wr_listener *l;
	char why[384], who[192];

	if (!(sw->od.avail & WR_OD_BACKLOG) || !(l = wr_inv_full_queue(inv, NULL)))
		return;
	if (sw->od.on & WR_OD_BACKLOG) {
		wr_od_want(&sw->od, WR_OD_BACKLOG, mono_ms());	/* keeps it on */
		return;
	}
	wr_listener_describe(l, who, sizeof(who));
	snprintf(why, sizeof(why), "the accept queue of %s in netns %u is full (%u waiting, "
		 "backlog %u); the SYNs it drops from now on are reported", who, l->netns,
		 l->rqueue, l->wqueue);
	want(sw, WR_OD_BACKLOG, why);
}

void wr_switch_tick(struct wr_hook_switch *sw)
{
	unsigned gone = wr_od_expired(&sw->od, mono_ms()), added;
	char msg[256];

	if (gone) {	/* evidence older than the window */
		wr_od_detached(&sw->od, gone, mono_ms(), mono_ns());
		wr_hooks_on_demand(sw->skel, sw->plan, gone, false);
		snprintf(msg, sizeof(msg), "%s detached: no %s for %llu s", on_demand_names(sw, gone),
			 gone & WR_OD_BACKLOG ? "full accept queue" : "firewall_blocked refusal",
			 window_s(sw));
		wr_switch_record(sw, "detach", msg);
	}
	if (!sw->rh.avail || mono_ms() < sw->next_reject_poll_ms)
		return;
	sw->next_reject_poll_ms = mono_ms() + 1000;	/* a module that loaded since */
	added = wr_reject_hooks_poll(&sw->rh, sw->skel, mono_ns());
	if (!added)
		return;
	snprintf(msg, sizeof(msg), "%s loaded: REJECT hooks attached, a REJECT is told from a "
		 "DROP at its first SYN", added == 3 ? "nf_reject_ipv4, nf_reject_ipv6" :
		 added == 1 ? "nf_reject_ipv4" : "nf_reject_ipv6");
	wr_switch_record(sw, "attach", msg);
}

void wr_switch_stats(const struct wr_hook_switch *sw, struct wr_stats *st)
{
	for (int h = 0; h < 2; h++) {
		st->on_demand_attached[h] = sw->od.attached[h];
		st->on_demand_s[h] = wr_od_seconds(&sw->od, 1u << h, mono_ms());
	}
}
