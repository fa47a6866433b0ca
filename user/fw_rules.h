/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which firewall rule refused a SYN. nftables (and iptables-nft): the flow
 * is traced from its first refusal on (nft_flow_trace.c) and the trace of a
 * later SYN names table, chain, handle and verdict; the rule's text comes
 * from `nft -s -a list chain`. iptables-legacy: counters of
 * `iptables-legacy-save -c` before and after the retry (ipt_save.c).
 * Nothing of the user's ruleset is changed.
 */
#ifndef WR_FW_RULES_H
#define WR_FW_RULES_H

#include <stdbool.h>

#include "netns.h"
#include "refusal.h"

struct wr_fw;

struct wr_fw *wr_fw_new(struct wr_netns_list *nsl, bool trace);
/* Closes every trace socket: the kernel removes our tables. */
void wr_fw_free(struct wr_fw *fw);
/* Reads pending trace messages and expires old flows; call often. */
void wr_fw_poll(struct wr_fw *fw);
/* For a firewall cause: fills r->rule and names the rule in the explanation. */
void wr_fw_name_rule(struct wr_fw *fw, struct wr_refusal *r);

#endif /* WR_FW_RULES_H */
