// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "bpf_lane.h"

#include "blocker.h"
#include "bpf_blockers.h"

void *wr_bpf_lane_state(void)
{
	return wr_bpf_finder_new();
}

static bool wants(const struct wr_refusal *r)
{
	return r->blocker.kind == WR_BLK_LOOKUP || r->blocker.kind == WR_BLK_SOCKET_FILTER ||
	       r->blocker.kind == WR_BLK_TC;
}

static void run(void *state, const struct wr_netns *ns, struct wr_refusal *r)
{
	wr_bpf_find(state, ns, r);
}

static void skip(struct wr_refusal *r, bool stopping)
{
	(void)r;
	(void)stopping;	/* counted by the lane; the refusal keeps blocker_words.c's first words */
}

static void lane_free(void *state)
{
	wr_bpf_finder_free(state);
}

const struct wr_lane_ops wr_bpf_lane = {
	.name = "bpf",
	.wants = wants,
	.run = run,
	.skip = skip,
	.free = lane_free,
};
