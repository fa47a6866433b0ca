/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The units' lane (slow_lane.h): for a no_listener refusal in the host's
 * own network namespace, on a host run by systemd, the unit that should
 * listen on its port, its state, its last words and what to do
 * (unit_status.c asks, unit_facts.c decides the words). A D-Bus call or a
 * journal read never holds the event loop, nor waits behind a rule's nft.
 */
#ifndef WR_UNIT_LANE_H
#define WR_UNIT_LANE_H

#include "slow_lane.h"

/* The lane's state, or NULL where systemd is not PID 1 (then no lane: say nothing of units). */
void *wr_unit_lane_state(void);
extern const struct wr_lane_ops wr_unit_lane;

#endif /* WR_UNIT_LANE_H */
