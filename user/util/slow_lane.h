/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Some of what a refusal needs is slow: naming a firewall rule may run nft
 * or iptables in the refusal's namespace (milliseconds usually, seconds on
 * a big ruleset or a namespace made slow on purpose); a unit's state is a
 * D-Bus call. Such a step runs on a thread of its own, a lane, so nothing
 * holds the event loop: every other refusal is reported at once, and this
 * one when its lane is done. A lane's state (fw_rules.c: trace sockets,
 * caches) belongs to its thread; the loop hands it a copy of the refusal
 * and of its namespace, and takes the refusal back to finish it.
 */
#ifndef WR_SLOW_LANE_H
#define WR_SLOW_LANE_H

#include <stdbool.h>
#include <stdint.h>

#include "netns.h"
#include "refusal.h"

/* What one lane does: its step, and what it says when it cannot take more. */
struct wr_lane_ops {
	const char *name;	/* for messages: "rules" */
	bool (*wants)(const struct wr_refusal *r);
	/* On the lane's thread: adds what it learned to r. `ns` may be NULL. */
	void (*run)(void *state, const struct wr_netns *ns, struct wr_refusal *r);
	/* On the lane's thread, at least every 100 ms; may be NULL. */
	void (*tick)(void *state);
	/* On the loop's thread: r goes on without this step (queue full, or stopping). */
	void (*skip)(struct wr_refusal *r, bool stopping);
	void (*free)(void *state);
};

struct wr_lane;

typedef void (*wr_lane_done_fn)(void *arg, struct wr_refusal *r);

/* Starts the lane's thread; `state` is then the thread's. NULL on failure (state freed). */
struct wr_lane *wr_lane_new(const struct wr_lane_ops *ops, void *state);
/*
 * A NULL lane (one that was not started: no systemd, say) wants nothing.
 * r goes to the lane when it wants it: true, and wr_lane_collect gives it
 * back later. false: not for this lane, or its queue is full (then ops->skip
 * marked r, and it is counted).
 */
bool wr_lane_submit(struct wr_lane *l, struct wr_refusal *r, const struct wr_netns *ns);
/* done(arg, r) for each refusal the lane is done with, in the order given; never waits. */
void wr_lane_collect(struct wr_lane *l, wr_lane_done_fn done, void *arg);
/* Refusals that went on without this lane because its queue was full. */
uint64_t wr_lane_skipped(const struct wr_lane *l);
/*
 * Gives the thread up to timeout_ms for what is queued, collects it, stops
 * the thread and frees its state. What is still queued then goes on as it
 * is (ops->skip). done may be NULL (nothing is reported then).
 */
void wr_lane_free(struct wr_lane *l, int timeout_ms, wr_lane_done_fn done, void *arg);

#endif /* WR_SLOW_LANE_H */
