// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "verdict.h"

#include <string.h>

#include "explain.h"

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

void wr_verdict(struct wr_refusal *r)
{
	r->cause = wr_cause_of(r);
}
