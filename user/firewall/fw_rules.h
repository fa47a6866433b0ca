/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which firewall rule refused a SYN. nftables (and iptables-nft): the flow
 * is traced from its first refusal on (nft_flow_trace.c) and the trace of a
 * later SYN names table, chain, handle and verdict; the rule's text comes
 * from `nft -s -a list ruleset`. iptables-legacy: counters of
 * `iptables-legacy-save -c` before and after the retry (ipt_save.c).
 * Nothing of the user's ruleset is changed.
 */
#ifndef WR_FW_RULES_H
#define WR_FW_RULES_H

#include <stdbool.h>

#include "netns.h"
#include "refusal.h"
#include "slow_lane.h"

struct wr_fw;

struct wr_fw *wr_fw_new(bool trace);
/* Closes every trace socket: the kernel removes our tables. */
void wr_fw_free(struct wr_fw *fw);
/* Reads pending trace messages and expires old flows; call often. */
void wr_fw_poll(struct wr_fw *fw);
/*
 * For a firewall cause: fills r->rule and names the rule in the explanation.
 * `ns` is r's namespace (a copy: this runs on the rules' lane, see below),
 * NULL when it is not known. May run nft and iptables there.
 */
bool wr_fw_wants(const struct wr_refusal *r);
void wr_fw_name_rule(struct wr_fw *fw, const struct wr_netns *ns, struct wr_refusal *r);
/* The same as a lane (slow_lane.c): state is a struct wr_fw. */
extern const struct wr_lane_ops wr_fw_lane;

#endif /* WR_FW_RULES_H */
