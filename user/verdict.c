// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "verdict.h"

#include <stdio.h>
#include <string.h>

#include "blocker.h"
#include "explain.h"
#include "fw_objects.h"
#include "hints.h"
#include "rule_owners.h"
#include "route_back.h"
#include "rule_sets.h"
#include "syn_queue.h"
#include "tproxy.h"

static bool reason_is(const struct wr_refusal *r, const char *reason)
{
	return r->reason && !strcmp(r->reason, reason);
}

enum wr_cause wr_cause_of(const struct wr_refusal *r)
{
	if (r->kind == WR_EV_HANDSHAKE)
		return WR_CAUSE_HANDSHAKE_INCOMPLETE;
	/* The kernel's word for a final ACK turned away, or hints.c's for a full queue. */
	if (reason_is(r, "TCP_LISTEN_OVERFLOW") ||
	    (r->kind == WR_EV_UNANSWERED && reason_is(r, "LISTEN_OVERFLOW")))
		return WR_CAUSE_BACKLOG_FULL;
	if (r->kind == WR_EV_UNANSWERED)
		return WR_CAUSE_OTHER_DROP;
	if (r->kind == WR_EV_RESET || reason_is(r, "NO_SOCKET"))
		return WR_CAUSE_NO_LISTENER;
	if (!reason_is(r, "NETFILTER_DROP"))
		return WR_CAUSE_OTHER_DROP;
	/* A rule: its answer (seen, or read from its text) tells reject from drop. */
	if (r->reply == WR_REPLY_NONE)
		return r->answers_unwatched ? WR_CAUSE_FIREWALL_BLOCKED : WR_CAUSE_FIREWALL_DROP;
	return WR_CAUSE_FIREWALL_REJECT;
}

/*
 * A named rule's hints, after the rule's own line: the object its manager
 * calls it by, its owner, a TPROXY port's listeners, the set the client is in.
 */
static void rule_hints(struct wr_refusal *r)
{
	wr_fw_objects_hints(r);
	wr_owner_hint(r);
	wr_tproxy_words(r);
	wr_rule_sets_hint(r);
}

/* A unit's advice goes first: it answers the checklist the other hints only start. */
static void unit_advice_first(struct wr_refusal *r)
{
	size_t n = r->n_hints < WR_MAX_HINTS ? r->n_hints : WR_MAX_HINTS - 1;

	if (!r->has_unit)
		return;
	memmove(r->hints[1], r->hints[0], n * sizeof(r->hints[0]));
	snprintf(r->hints[0], WR_TEXT_LEN, "%s", r->unit_advice.text);
	r->n_hints = n + 1;
}

void wr_verdict(struct wr_refusal *r)
{
	r->cause = wr_cause_of(r);
	/* The event's sentence; hints.c's words about the listeners nearby stay the hints. */
	wr_explain_words(r, !r->listeners_looked);
	wr_no_listener_words(r);
	wr_answer_from_rule_words(r);
	wr_rule_words(r);
	rule_hints(r);
	wr_backlog_words(r);
	wr_handshake_words(r);
	wr_blocker_words(r);
	wr_route_back_words(r);
	wr_syn_queue_words(r);
	unit_advice_first(r);
}
