// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The enrichers that are one call each (enricher.h): the first reading of
 * the kernel's event, conntrack's own drops, the hooks attached on evidence, the BPF program a
 * SYN should meet, the container, what NAT did, the route back and the
 * SYN queue. Their logic is in the files they call.
 */
#include "blocker.h"
#include "conntrack_stat.h"
#include "explain.h"
#include "hints.h"
#include "inventory_sync.h"
#include "nat_lookup.h"
#include "route_lookup.h"
#include "syn_queue.h"
#include "tracer.h"

/* The cause as the kernel's event tells it; later stages refine it. */
static void explain_enrich(struct tracer *t, void *state, struct wr_refusal *r)
{
	wr_explain(r);
}

const struct wr_enricher wr_enrich_explain = {
	.name = "explain",
	.enrich = explain_enrich,
};

/* A NETFILTER_DROP no table named: conntrack's (a full table), not a rule's. Before the switch. */
static void conntrack_enrich(struct tracer *t, void *state, struct wr_refusal *r)
{
	wr_conntrack_context(&t->netns, r);
	wr_explain(r);	/* the cause as the facts now tell it */
}

const struct wr_enricher wr_enrich_conntrack = {
	.name = "conntrack",
	.enrich = conntrack_enrich,
};

/* Evidence (a firewall's answer, a full queue) attaches hooks; they go after a while. */
static void switch_enrich(struct tracer *t, void *state, struct wr_refusal *r)
{
	wr_switch_refusal(&t->sw, r);
}

static void switch_tick(struct tracer *t, void *state, struct wr_timer *tm, uint64_t now)
{
	wr_switch_tick(&t->sw);
}

static void switch_stats(struct tracer *t, void *state, struct wr_stats *s)
{
	wr_switch_stats(&t->sw, s);
}

const struct wr_enricher wr_enrich_hook_switch = {
	.name = "hook_switch",
	.enrich = switch_enrich,
	.tick = switch_tick,
	.stats = switch_stats,
};

/* SOCKET_FILTER, TC_INGRESS: a BPF program to name (bpf_lane.c), and the listener it hit. */
static void blocker_enrich(struct tracer *t, void *state, struct wr_refusal *r)
{
	if (!wr_blocker_expected(r, NULL) || r->blocker.kind != WR_BLK_SOCKET_FILTER)
		return;
	wr_sync_owners(&t->inv, r->netns);	/* its cgroup is its owner's */
	wr_blocker_expected(r, wr_reached_listener(&t->inv, r));
}

const struct wr_enricher wr_enrich_blocker = {
	.name = "blocker",
	.enrich = blocker_enrich,
};

static void container_enrich(struct tracer *t, void *state, struct wr_refusal *r)
{
	r->in_container = wr_netns_container(&t->netns, r->netns, &r->container);
}

const struct wr_enricher wr_enrich_container = {
	.name = "container",
	.enrich = container_enrich,
};

/* What the client dialled, when NAT sent it elsewhere (conntrack, per namespace). */
static int nat_open(struct tracer *t, void **state, char *err, size_t errlen)
{
	*state = wr_nat_new();
	return 0;
}

static void nat_enrich(struct tracer *t, void *state, struct wr_refusal *r)
{
	wr_nat_lookup(state, &t->netns, r);
}

/* Conntrack watched in namespaces that appeared, not in those gone. */
static void nat_tick(struct tracer *t, void *state, struct wr_timer *tm, uint64_t now)
{
	wr_nat_watch(state, &t->netns);
}

/* Before the start record: a refusal right after it is seen. */
static void nat_start(struct tracer *t, void *state, struct wr_timer *tm)
{
	nat_tick(t, state, tm, 0);
}

static void nat_stats(struct tracer *t, void *state, struct wr_stats *s)
{
	s->nat_not_searched = wr_nat_skipped(state);
}

static void nat_close(struct tracer *t, void *state)
{
	wr_nat_free(state);
}

const struct wr_enricher wr_enrich_nat = {
	.name = "nat",
	.open = nat_open,
	.start = nat_start,
	.enrich = nat_enrich,
	.tick = nat_tick,
	.every_ms = 1000,
	.stats = nat_stats,
	.close = nat_close,
};

static void route_enrich(struct tracer *t, void *state, struct wr_refusal *r)
{
	wr_route_lookup(&t->netns, r);
}

const struct wr_enricher wr_enrich_route = {
	.name = "route",
	.enrich = route_enrich,
};

static void syn_queue_enrich(struct tracer *t, void *state, struct wr_refusal *r)
{
	wr_syn_queue_context(&t->netns, r);
}

const struct wr_enricher wr_enrich_syn_queue = {
	.name = "syn_queue",
	.enrich = syn_queue_enrich,
};
