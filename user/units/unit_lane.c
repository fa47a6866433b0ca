// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "unit_lane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explain.h"
#include "netns.h"
#include "unit_status.h"

#define LOOKUP_MS	5000	/* D-Bus, the journal and sshd -T together, off the loop: 3 s was too
			   little under emulation on a loaded host (vmsystemd) */

/*
 * Units listen in the host's namespace (PrivateNetwork= aside): a refusal
 * elsewhere (a container's port 22) is not ssh.service's. Set once before
 * the lane starts, read by wants() on the loop's thread.
 */
static uint32_t host_netns;

struct unit_lane {
	int unused;	/* unit_status.c keeps its caches itself, for this thread */
};

void *wr_unit_lane_state(void)
{
	if (!wr_systemd_running())
		return NULL;
	host_netns = wr_netns_self();
	return calloc(1, sizeof(struct unit_lane));
}

static bool wants(const struct wr_refusal *r)
{
	return r->cause == WR_CAUSE_NO_LISTENER && host_netns && r->netns == host_netns;
}

/* The unit that stopped while we watched, if it is a candidate; else the strongest. */
static size_t pick(const struct wr_refusal *r, const struct wr_unit_facts *f, size_t n)
{
	for (size_t i = 0; r->has_last_listener && r->last_listener.l.unit[0] && i < n; i++)
		if (!strcmp(f[i].unit, r->last_listener.l.unit))
			return i;
	return 0;
}

static void run(void *state, const struct wr_netns *ns, struct wr_refusal *r)
{
	struct wr_unit_facts f[WR_UNITS_MAX];
	struct wr_unit_words_ctx ctx = { .port = r->dport, .host = r->daddr, .local = localtime_r };
	int n = wr_units_for_port(r->dport, f, WR_UNITS_MAX, LOOKUP_MS);
	size_t i;

	(void)state;
	(void)ns;
	if (n <= 0)
		return;
	i = pick(r, f, (size_t)n);
	ctx.refused_usec = (uint64_t)r->ts.tv_sec * 1000000 + (uint64_t)r->ts.tv_nsec / 1000;
	wr_unit_advise(&f[i], &ctx, &r->unit_advice);
	if (r->unit_advice.verdict == WR_UNIT_NOTHING)
		return;
	r->unit = f[i];
	r->has_unit = true;	/* verdict.c puts its advice first */
}

static void skip(struct wr_refusal *r, bool stopping)
{
	(void)r;
	(void)stopping;	/* counted by the lane; the refusal goes on without its unit */
}

static void lane_free(void *state)
{
	free(state);
}

const struct wr_lane_ops wr_unit_lane = {
	.name = "units",
	.wants = wants,
	.run = run,
	.skip = skip,
	.free = lane_free,
};
