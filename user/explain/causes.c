// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "causes.h"

#include <syslog.h>

#include "blocker.h"
#include "conntrack_stat.h"
#include "nat.h"
#include "explain.h"
#include "fw_objects.h"
#include "hints.h"
#include "route_back.h"
#include "rule_owners.h"
#include "rule_sets.h"
#include "syn_queue.h"
#include "tproxy.h"
#include "verdict.h"

/* A rule's words: its answer read from its text, its line, its manager's object, owner, set. */
#define FIREWALL_WORDS { wr_explain_words, wr_container_by_addr_words,			\
			 wr_answer_from_rule_words, wr_rule_words, wr_conntrack_invalid_words,	\
			 wr_fw_objects_hints, wr_owner_hint, wr_tproxy_words,			\
			 wr_rule_sets_hint }
/* A listener that took the SYN (its queues), a BPF program, the way back. */
#define DROP_WORDS { wr_explain_words, wr_conntrack_dropped_words, wr_backlog_words,	\
		     wr_blocker_words, wr_blocker_owner_hint,					\
		     wr_route_back_words, wr_syn_queue_words }

/*
 * One row per cause, in enum order. `happened` and `client_sees` are the
 * README's Causes table (its "what happened" cell may say more after them):
 * tests/unit/test_causes.c fails when the two disagree.
 */
static const struct wr_cause_info causes[] = {
	[WR_CAUSE_NO_LISTENER] = {
		WR_CAUSE_NO_LISTENER, "no_listener", "REFUSED",
		"the SYN found no socket; the kernel answered with RST",
		"Connection refused", false, LOG_WARNING,
		/* a unit's advice first, before what listens nearby */
		{ wr_explain_words, wr_no_listener_words, wr_blocker_words, wr_blocker_owner_hint,
		  wr_unit_advice_words } },
	[WR_CAUSE_FIREWALL_REJECT] = {
		/* a rule did what it was written for, most often on purpose */
		WR_CAUSE_FIREWALL_REJECT, "firewall_reject", "REJECTED",
		"a netfilter rule rejected the SYN (TCP reset or ICMP unreachable)",
		"Connection refused / No route to host / Network is unreachable / Permission "
		"denied (ICMPv6 admin-prohibited)", false, LOG_NOTICE, FIREWALL_WORDS },
	[WR_CAUSE_FIREWALL_DROP] = {
		WR_CAUSE_FIREWALL_DROP, "firewall_drop", "DROPPED",
		"a netfilter rule dropped the SYN silently",
		"Connection timed out", true, LOG_NOTICE, FIREWALL_WORDS },
	[WR_CAUSE_BACKLOG_FULL] = {
		/* a running service loses connections */
		WR_CAUSE_BACKLOG_FULL, "backlog_full", "BACKLOG",
		"the listener's accept queue was full: the SYN, or the handshake's final ACK, "
		"was dropped",
		"a slow connect or a timeout; a stalled connection after the final ACK", false,
		LOG_ERR, DROP_WORDS },
	[WR_CAUSE_OTHER_DROP] = {
		WR_CAUSE_OTHER_DROP, "other_drop", "DROPPED",
		"any other kernel drop reason on the SYN (rp_filter, tc, socket filter, LSM...), "
		"or conntrack's own (`CONNTRACK_FULL`: its table full, never told as a rule)",
		"usually a timeout", true, LOG_WARNING, DROP_WORDS },
	[WR_CAUSE_FIREWALL_BLOCKED] = {
		WR_CAUSE_FIREWALL_BLOCKED, "firewall_blocked", "BLOCKED",
		"a netfilter rule rejected or dropped the SYN, and what it answered was not watched",
		"Connection refused or a timeout", true, LOG_NOTICE, FIREWALL_WORDS },
	[WR_CAUSE_HANDSHAKE_INCOMPLETE] = {
		WR_CAUSE_HANDSHAKE_INCOMPLETE, "handshake_incomplete", "UNACKED",
		"the listener answered and resent its SYN-ACK twice, and the client's ACK never came",
		"Connection timed out", false, LOG_WARNING,
		{ wr_explain_words, wr_handshake_words, wr_route_back_words } },
};

_Static_assert(sizeof(causes) / sizeof(causes[0]) == WR_CAUSE_LAST + 1,
	       "every cause has its row");

const struct wr_cause_info *wr_cause_info(enum wr_cause c)
{
	if ((unsigned)c > WR_CAUSE_LAST)
		c = WR_CAUSE_OTHER_DROP;
	return &causes[c];
}

const char *wr_cause_name(enum wr_cause c)
{
	return wr_cause_info(c)->name;
}

const char *wr_cause_label(enum wr_cause c)
{
	return wr_cause_info(c)->label;
}
