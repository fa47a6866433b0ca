/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Naming a firewall rule may run nft or iptables in the refusal's own
 * namespace: milliseconds usually, seconds on a big ruleset or a namespace
 * made slow on purpose. That work runs on a thread of its own, so no
 * namespace holds the event loop: every other refusal is reported at once,
 * and this one when its rule is named. The thread owns the firewall state
 * (fw_rules.c: trace sockets, caches); the loop hands it a copy of the
 * refusal and of its namespace, and takes the refusal back to finish it.
 */
#ifndef WR_RULE_LANE_H
#define WR_RULE_LANE_H

#include <stdbool.h>
#include <stdint.h>

#include "netns.h"
#include "refusal.h"

struct wr_rule_lane;

typedef void (*wr_lane_done_fn)(void *arg, struct wr_refusal *r);

struct wr_rule_lane *wr_rule_lane_new(bool trace);
/*
 * A firewall cause goes to the thread: true, and wr_rule_lane_collect
 * gives it back later. false: not a firewall cause, or the queue is full
 * (then r->rule says the rule was not looked up, and it is counted).
 */
bool wr_rule_lane_submit(struct wr_rule_lane *l, struct wr_refusal *r, const struct wr_netns *ns);
/* done(arg, r) for each refusal whose rule is named, in the order given; never waits. */
void wr_rule_lane_collect(struct wr_rule_lane *l, wr_lane_done_fn done, void *arg);
/* Refusals reported without their rule because the queue was full. */
uint64_t wr_rule_lane_skipped(const struct wr_rule_lane *l);
/*
 * Gives the thread up to timeout_ms for what is queued, collects it, stops
 * the thread and closes the trace sockets (the kernel removes our tables).
 * What is still unnamed then is reported as it is.
 */
void wr_rule_lane_free(struct wr_rule_lane *l, int timeout_ms, wr_lane_done_fn done, void *arg);

#endif /* WR_RULE_LANE_H */
