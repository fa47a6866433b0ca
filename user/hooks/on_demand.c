// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "on_demand.h"

static int slot(unsigned hook)
{
	return hook == WR_OD_BACKLOG ? 1 : 0;
}

unsigned wr_od_want(struct wr_on_demand *od, unsigned what, uint64_t now_ms)
{
	unsigned want = what, h;

	uint64_t window = od->window_ms ? od->window_ms : WR_ON_DEMAND_MS;

	if ((want & WR_OD_BACKLOG) && !od->backlog_alone)	/* the inference reads SYN-ACKs */
		want |= WR_OD_REPLIES;
	want &= od->avail;
	for (h = WR_OD_REPLIES; h <= WR_OD_BACKLOG; h <<= 1)
		if (want & h)
			od->until_ms[slot(h)] = now_ms + window;
	/* Replies outlive the backlog inference that needs them. */
	if (!od->backlog_alone && od->until_ms[0] < od->until_ms[1])
		od->until_ms[0] = od->until_ms[1];
	return want & ~od->on;
}

unsigned wr_od_expired(const struct wr_on_demand *od, uint64_t now_ms)
{
	unsigned out = 0, h;

	for (h = WR_OD_REPLIES; h <= WR_OD_BACKLOG; h <<= 1)
		if ((od->on & h) && now_ms >= od->until_ms[slot(h)])
			out |= h;
	return out;
}

void wr_od_attached(struct wr_on_demand *od, unsigned hooks, uint64_t now_ms, uint64_t now_ns)
{
	unsigned h;

	for (h = WR_OD_REPLIES; h <= WR_OD_BACKLOG; h <<= 1) {
		if (!(hooks & h) || (od->on & h))
			continue;
		od->on |= h;
		od->since_ms[slot(h)] = now_ms;
		od->attached[slot(h)]++;
	}
	if (!(hooks & WR_OD_REPLIES))
		return;
	if (od->n_watched == WR_OD_WATCHED_MAX) {	/* the oldest period is long read */
		for (size_t i = 1; i < WR_OD_WATCHED_MAX; i++)
			od->watched[i - 1] = od->watched[i];
		od->n_watched--;
	}
	od->watched[od->n_watched].from_ns = now_ns;
	od->watched[od->n_watched++].to_ns = 0;
}

void wr_od_detached(struct wr_on_demand *od, unsigned hooks, uint64_t now_ms, uint64_t now_ns)
{
	unsigned h;

	for (h = WR_OD_REPLIES; h <= WR_OD_BACKLOG; h <<= 1) {
		if (!(hooks & h) || !(od->on & h))
			continue;
		od->on &= ~h;
		od->on_ms[slot(h)] += now_ms - od->since_ms[slot(h)];
		if (h == WR_OD_REPLIES && od->n_watched)
			od->watched[od->n_watched - 1].to_ns = now_ns;
	}
}

bool wr_od_replies_watched(const struct wr_on_demand *od, uint64_t ts_ns)
{
	for (size_t i = 0; i < od->n_watched; i++)
		if (ts_ns >= od->watched[i].from_ns &&
		    (!od->watched[i].to_ns || ts_ns < od->watched[i].to_ns))
			return true;
	return false;
}

uint64_t wr_od_seconds(const struct wr_on_demand *od, unsigned hook, uint64_t now_ms)
{
	uint64_t ms = od->on_ms[slot(hook)];

	if (od->on & hook)
		ms += now_ms - od->since_ms[slot(hook)];
	return ms / 1000;
}
