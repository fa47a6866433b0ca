/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The BPF lane (slow_lane.h): a refusal whose blocker blocker_words.c
 * expects (a listener the lookup did not pick, SOCKET_FILTER, TC_INGRESS)
 * gets the program named by bpf_blockers.c, off the event loop: a walk of
 * /proc for its holder takes milliseconds on a busy host.
 */
#ifndef WR_BPF_LANE_H
#define WR_BPF_LANE_H

#include "slow_lane.h"

/* The lane's state; NULL when it cannot be made (then the refusals go on unnamed). */
void *wr_bpf_lane_state(void);
extern const struct wr_lane_ops wr_bpf_lane;

#endif /* WR_BPF_LANE_H */
