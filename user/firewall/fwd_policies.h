/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * firewalld 1.x policies and forwarding: what its nftables backend
 * (firewall/core/nftables.py, fw_policy.py) names the chains of a policy,
 * filter_{IN,FWD,OUT}_policy_<name>[_pre|_log|_deny|_allow|_post], and of a
 * zone's forwarding, filter_FWD_<zone>[_sub]. A rule found there is named as
 * `policy NAME` or the zone, with firewall-cmd's commands to look and to
 * change it. Chain names are anyone's in a namespace: parsed strictly.
 */
#ifndef WR_FWD_POLICIES_H
#define WR_FWD_POLICIES_H

#include <stdbool.h>
#include <stddef.h>

struct wr_refusal;

/*
 * The policy of a chain filter_{IN,FWD,OUT}_policy_<name>[_sub] ("IN": to
 * the host, "FWD": forwarded, "OUT": from the host in *dir); *base: the
 * policy's own chain (its target's rule), not a subchain.
 */
bool wr_fwd_policy_of_chain(const char *chain, char *policy, size_t len, const char **dir,
			    bool *base);
/* The zone of a forwarding chain filter_FWD_<zone>[_sub] (a policy's is not one). */
bool wr_fwd_forward_zone_of_chain(const char *chain, char *zone, size_t len, bool *base);
/*
 * Names r's firewalld rule when it is in a policy's or a zone's forwarding
 * chain (the facts r->rule.fw_policy, zone, zone_via); false when neither.
 */
bool wr_fwd_policy_name(struct wr_refusal *r);
/* At the verdict (fw_objects.c): the policy's or forwarding zone's words; false when neither. */
bool wr_fwd_policy_hints(struct wr_refusal *r);

#endif /* WR_FWD_POLICIES_H */
