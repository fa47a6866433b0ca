// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The listeners enricher (enricher.h): what listens instead turns "no
 * socket" into a reason (hints.c), with the inventory kept current: LISTEN
 * events the ring buffer lost are re-read, and the default mode polls
 * every namespace on a timer of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "clock.h"
#include "fw_rules.h"
#include "hints.h"
#include "inventory_sync.h"
#include "owner_watch.h"
#include "proc_owner.h"
#include "tracer.h"
#include "whyrefused.skel.h"

#define POLL_MS		1000
#define POLL_SHARE	100	/* every namespace: at most 1% of a core */
#define POLL_MIN_MS	200	/* a refusal flood polls no more often */

struct listeners {
	uint64_t listen_lost_seen;	/* WR_CNT_LISTEN_LOST when last resynced */
	struct wr_timer poll;		/* default mode: the next poll of every namespace */
	uint64_t last_netns_poll_ms;	/* default mode: the last poll before a hint */
};

/* The loop's timers are unsigned: clock.h's one clock, as such. */
static uint64_t now_ms(void)
{
	return (uint64_t)wr_now_ms();
}

static void label_netns(void *arg, uint32_t netns, char *buf, size_t len)
{
	struct tracer *t = arg;

	wr_netns_lookup(&t->netns, netns);	/* a namespace made since the last scan */
	wr_netns_label(&t->netns, netns, buf, len);
}

static bool process_alive(void *arg, uint32_t pid)
{
	(void)arg;
	return wr_process_running(pid);
}

static bool netns_container(void *arg, uint32_t netns, struct wr_container *c)
{
	struct tracer *t = arg;

	return wr_netns_container(&t->netns, netns, c);
}

static void label_ifindex(void *arg, uint32_t netns, uint32_t ifindex, char *buf, size_t len)
{
	struct tracer *t = arg;
	const struct wr_netns *ns = wr_netns_lookup(&t->netns, netns);

	if (!ns || wr_netns_ifname(ns, ifindex, buf, len))
		snprintf(buf, len, "ifindex %u", ifindex);
}

/* The kernel's map of processes whose end is watched; -1 without the hooks. */
static int owners_map_fd(const struct tracer *t)
{
	return t->plan.process_ends ? bpf_map__fd(t->skel->maps.listen_owners) : -1;
}

/*
 * The default mode: what listens, by sock_diag instead of LISTEN events.
 * Each second, or less often where namespaces are many: a poll costs ~0.3
 * ms per namespace here, so 1000 containers stretch it to every 30 s.
 */
static void poll_listeners(struct tracer *t, struct listeners *s)
{
	struct timespec now;
	uint64_t t0 = now_ms(), took;

	clock_gettime(CLOCK_REALTIME, &now);
	wr_poll_all(&t->inv, &t->netns, &now);
	took = now_ms() - t0;
	s->poll.due_ms = now_ms() + (took * POLL_SHARE > POLL_MS ? took * POLL_SHARE : POLL_MS);
	wr_switch_listeners(&t->sw, &t->inv);
}

/* The default mode, before a no_listener hint: the refused namespace, now. */
static void poll_netns(struct tracer *t, struct listeners *s, uint32_t netns)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	wr_poll_netns(&t->inv, &t->netns, netns, &now);
	s->last_netns_poll_ms = now_ms();
}

/* What is there instead: the inventory turns "no socket" into a reason. */
static void listeners_enrich(struct tracer *t, void *state, struct wr_refusal *r)
{
	struct wr_hint_ctx hctx = { .inv = &t->inv, .netns_label = label_netns,
				    .ifname = label_ifindex, .ends = &t->ends,
				    .alive = process_alive, .netns_container = netns_container,
				    .arg = t };
	struct listeners *s = state;

	clock_gettime(CLOCK_REALTIME, &hctx.now);
	if (r->kind == WR_EV_UNANSWERED || r->cause == WR_CAUSE_BACKLOG_FULL) {
		/* A fresh dump: the queue length is what tells a full backlog. */
		wr_sync_netns(&t->inv, &t->netns, r->netns);
		wr_sync_owners(&t->inv, r->netns);
		wr_hints_backlog(&hctx, r, wr_reached_listener(&t->inv, r),
				 wr_listen_overflows_delta(&t->netns, r->netns));
	} else if (r->cause == WR_CAUSE_NO_LISTENER) {
		/*
		 * Polled listeners: what listens now, and a stop since the last
		 * poll, timed. A listener that would have taken this SYN is gone:
		 * poll at once.
		 */
		if (t->plan.default_mode && (now_ms() - s->last_netns_poll_ms >= POLL_MIN_MS ||
				      wr_reached_listener(&t->inv, r)))
			poll_netns(t, s, r->netns);
		wr_sync_owners(&t->inv, 0);
		wr_hints_no_listener(&hctx, r);
	} else if (r->cause == WR_CAUSE_HANDSHAKE_INCOMPLETE) {
		wr_sync_owners(&t->inv, r->netns);
		wr_hints_handshake(&hctx, r, wr_reached_listener(&t->inv, r));
	} else if (wr_fw_wants(r)) {
		/* Blocked while a service listens there: up, yet unreachable. */
		r->port_listening = wr_reached_listener(&t->inv, r) != NULL;
	}
}

static int listeners_open(struct tracer *t, void **state, char *err, size_t errlen)
{
	*state = calloc(1, sizeof(struct listeners));
	if (!*state)
		snprintf(err, errlen, "out of memory");
	return *state ? 0 : -1;
}

/* Attached first, then dumped: a listener that changes in between is in both. */
static void listeners_start(struct tracer *t, void *state, struct wr_timer *tm)
{
	wr_owner_watch_init(owners_map_fd(t));
	if (t->plan.default_mode) {	/* owners too: a service that stops is named by them */
		poll_listeners(t, state);
		wr_listen_overflows_baselines(&t->netns);
	} else
		wr_sync_all(&t->inv, &t->netns);
	/*
	 * Owners of what listened before us (a /proc scan), before the start
	 * record: a service, or a container's port holder, that stops right
	 * after is told by what it was and how it ended.
	 */
	wr_sync_owners(&t->inv, 0);
}

/* Each turn: LISTEN transitions the ring buffer had no room for are re-read; polls when due. */
static void listeners_tick(struct tracer *t, void *state, struct wr_timer *tm, uint64_t now)
{
	struct listeners *s = state;
	uint64_t lost = wr_tracer_counter(t, WR_CNT_LISTEN_LOST);

	if (lost != s->listen_lost_seen) {
		s->listen_lost_seen = lost;
		wr_sync_all(&t->inv, &t->netns);
		t->stats.resyncs++;
	}
	if (t->plan.default_mode && now_ms() >= s->poll.due_ms)
		poll_listeners(t, s);
}

static void listeners_close(struct tracer *t, void *state)
{
	free(state);
}

const struct wr_enricher wr_enrich_listeners = {
	.name = "listeners",
	.open = listeners_open,
	.start = listeners_start,
	.enrich = listeners_enrich,
	.tick = listeners_tick,
	.close = listeners_close,
};
