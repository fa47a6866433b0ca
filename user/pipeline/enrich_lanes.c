// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The slow enrichers (enricher.h), each on a lane of its own (slow_lane.h):
 * the firewall rule that refused (nft, iptables), the BPF program that
 * did, and the systemd unit of a refused port (D-Bus). A refusal goes to
 * the first that wants it and is reported when that lane is done.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bpf_lane.h"
#include "fw_rules.h"
#include "slow_lane.h"
#include "tracer.h"
#include "unit_lane.h"
#include "unit_status.h"

struct lane {
	struct wr_lane *lane;	/* NULL: not started (no systemd, say): wants nothing */
	bool stopped;		/* freed before the final record: its last count stays */
};

static int lane_open(void **state, const struct wr_lane_ops *ops, void *lane_state)
{
	struct lane *l = calloc(1, sizeof(*l));

	*state = l;
	if (!l) {
		if (lane_state)
			ops->free(lane_state);
		return -1;
	}
	l->lane = wr_lane_new(ops, lane_state);
	return 0;
}

static bool lane_defer(struct tracer *t, void *state, struct wr_refusal *r,
		       const struct wr_netns *ns)
{
	struct lane *l = state;

	return wr_lane_submit(l->lane, r, ns);
}

static void lane_tick(struct tracer *t, void *state, struct wr_timer *tm, uint64_t now)
{
	struct lane *l = state;

	wr_lane_collect(l->lane, t->report, t);
}

/* Up to timeout_ms for what is queued: named, or reported as it is. */
static void lane_stop(struct tracer *t, struct lane *l, int timeout_ms)
{
	wr_lane_free(l->lane, timeout_ms, t->report, t);
	l->lane = NULL;
	l->stopped = true;
}

/* Our trace tables go with their sockets; nothing is reported any more. */
static void lane_close(struct tracer *t, void *state)
{
	struct lane *l = state;

	if (l)
		wr_lane_free(l->lane, 0, NULL, NULL);
	free(l);
}

static int rules_open(struct tracer *t, void **state, char *err, size_t errlen)
{
	if (!lane_open(state, &wr_fw_lane, wr_fw_new(t->opts.trace)) &&
	    ((struct lane *)*state)->lane)
		return 0;
	snprintf(err, errlen, "out of memory");
	return -1;
}

static void rules_stats(struct tracer *t, void *state, struct wr_stats *s)
{
	struct lane *l = state;

	if (!l->stopped)
		s->rules_not_looked_up = wr_lane_skipped(l->lane);
}

static void rules_stop(struct tracer *t, void *state)
{
	lane_stop(t, state, 3500);
}

const struct wr_enricher wr_enrich_rules = {
	.name = "rules",
	.open = rules_open,
	.defer = lane_defer,
	.tick = lane_tick,
	.stats = rules_stats,
	.stop = rules_stop,
	.close = lane_close,
};

static int bpf_open(struct tracer *t, void **state, char *err, size_t errlen)
{
	if (!lane_open(state, &wr_bpf_lane, wr_bpf_lane_state()))
		return 0;
	snprintf(err, errlen, "out of memory");
	return -1;
}

static void bpf_stats(struct tracer *t, void *state, struct wr_stats *s)
{
	struct lane *l = state;

	if (!l->stopped)
		s->blockers_not_looked_up = wr_lane_skipped(l->lane);
}

static void bpf_stop(struct tracer *t, void *state)
{
	lane_stop(t, state, 1000);
}

const struct wr_enricher wr_enrich_bpf = {
	.name = "bpf",
	.open = bpf_open,
	.defer = lane_defer,
	.tick = lane_tick,
	.stats = bpf_stats,
	.stop = bpf_stop,
	.close = lane_close,
};

static int units_open(struct tracer *t, void **state, char *err, size_t errlen)
{
	if (!lane_open(state, &wr_unit_lane, wr_unit_lane_state()))
		return 0;
	snprintf(err, errlen, "out of memory");
	return -1;
}

static void units_stats(struct tracer *t, void *state, struct wr_stats *s)
{
	struct lane *l = state;

	if (!l->stopped)
		s->units_not_looked_up = wr_lane_skipped(l->lane) + wr_units_skipped();
}

static void units_stop(struct tracer *t, void *state)
{
	lane_stop(t, state, 2000);
}

const struct wr_enricher wr_enrich_units = {
	.name = "units",
	.open = units_open,
	.defer = lane_defer,
	.tick = lane_tick,
	.stats = units_stats,
	.stop = units_stop,
	.close = lane_close,
};
