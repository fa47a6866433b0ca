/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Hooks attached on evidence, for a bounded time (the default mode).
 *
 * Every accepted connection passes ~7 net_dev_queue and ~1.5 consume_skb
 * calls: attached all the time they cost ~1.3% of a connection here before
 * any of our code runs. So they are attached only while there is something
 * for them to tell:
 *   - a firewall_blocked refusal (its answer was not watched) attaches the
 *     replies hook, so the client's retries, and every other client's SYNs
 *     while it lasts, are told REJECT from DROP by the answer seen;
 *   - a listener seen with a full accept queue attaches replies and the
 *     backlog inference (a SYN consumed without a SYN-ACK needs both), so
 *     the SYNs it drops next are reported.
 * Each stays WR_ON_DEMAND_MS (--on-demand-for) after its last evidence: a
 * client's SYN retries last 127 s by default (net.ipv4.tcp_syn_retries = 6).
 *
 * Pure bookkeeping; hooks.c attaches, main.c joins the two.
 */
#ifndef WR_ON_DEMAND_H
#define WR_ON_DEMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WR_ON_DEMAND_MS		(120 * 1000)

/*
 * With fentry or kprobes the backlog hooks are tcp_conn_request (and
 * tcp_v4/v6_syn_recv_sock where kfree_skb has no TCP_LISTEN_OVERFLOW), two
 * calls per connection: on demand too, alone, when a poll sees a full queue.
 */

enum wr_od_hook {
	WR_OD_REPLIES = 1u << 0,	/* net:net_dev_queue: a firewall's answer, SYN-ACKs */
	WR_OD_BACKLOG = 1u << 1,	/* skb:consume_skb: SYNs a listener took unanswered */
};

#define WR_OD_WATCHED_MAX 8

struct wr_on_demand {
	unsigned avail;			/* what this kernel can attach (WR_OD_*) */
	unsigned on;			/* attached now */
	uint64_t window_ms;		/* how long after the last evidence; 0: the default */
	bool backlog_alone;		/* backlog hooks are function hooks: no replies needed */
	uint64_t until_ms[2];		/* per hook: detach at (monotonic ms) */
	uint64_t since_ms[2];		/* per hook: attached at */
	/* When replies were watched (monotonic ns), for events read after a change. */
	struct { uint64_t from_ns, to_ns; } watched[WR_OD_WATCHED_MAX];	/* to 0: still */
	size_t n_watched;
	uint64_t attached[2];		/* times attached, per hook */
	uint64_t on_ms[2];		/* time attached, per hook, closed periods */
};

/* Evidence for `what` at `now_ms`: returns the hooks to attach now (not yet on). */
unsigned wr_od_want(struct wr_on_demand *od, unsigned what, uint64_t now_ms);
/* The hooks whose time ran out at `now_ms` (backlog before replies: it needs them). */
unsigned wr_od_expired(const struct wr_on_demand *od, uint64_t now_ms);
/* What attach or detach did, at `now_ms` / `now_ns` (the same instant). */
void wr_od_attached(struct wr_on_demand *od, unsigned hooks, uint64_t now_ms, uint64_t now_ns);
void wr_od_detached(struct wr_on_demand *od, unsigned hooks, uint64_t now_ms, uint64_t now_ns);
/* Was a firewall's answer at `ts_ns` (an event's time) watched? */
bool wr_od_replies_watched(const struct wr_on_demand *od, uint64_t ts_ns);
/* Seconds each hook has been attached so far, closed periods and the current one. */
uint64_t wr_od_seconds(const struct wr_on_demand *od, unsigned hook, uint64_t now_ms);

#endif /* WR_ON_DEMAND_H */
