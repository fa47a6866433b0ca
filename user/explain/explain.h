/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The words of a decoded refusal: sentences, reference tables, hints. Pure C, no I/O. */
#ifndef WR_EXPLAIN_H
#define WR_EXPLAIN_H

#include "causes.h"
#include "refusal.h"

/* The event's cause (wr_cause_of), for the stages that choose their work by it. */
void wr_explain(struct wr_refusal *r);
/*
 * verdict.c: the event's sentence, what the client sees, NAT's clause, and
 * a first generic hint (none once hints.c worded the listeners nearby:
 * those stay the hints).
 */
void wr_explain_words(struct wr_refusal *r);

/* "tcp-reset", "icmp port-unreachable", "none"... for the reply field. */
const char *wr_reply_name(const struct wr_refusal *r, char *buf, size_t len);
/* What a kernel drop reason means, for other_drop; NULL if not known. */
const char *wr_drop_reason_meaning(const char *reason);
/* "192.0.2.1:22" or "[2001:db8::1]:22": the server side of the SYN. */
const char *wr_server_endpoint(const struct wr_refusal *r, char *buf, size_t len);
/* Appends a printf-style hint; ignored once WR_MAX_HINTS are there. */
void wr_add_hint(struct wr_refusal *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * A rule not named yet still has a table and chain where a verdict hook ran
 * (fexit/kretprobe on nft_do_chain, ip(6)t_do_table): copies them into
 * r->rule. iptables reports the hook; its builtin chain is named here.
 */
void wr_rule_from_verdict(struct wr_refusal *r);
/*
 * firewall_blocked (the default mode) once its rule is named: the rule's
 * text says reject (with what) or drop, and that is the answer (r->reply,
 * r->rule.answer_read): the cause becomes firewall_reject or firewall_drop.
 * Returns false, changing nothing, when the text says neither.
 */
bool wr_answer_from_rule(struct wr_refusal *r, const char *text, bool policy_drop);
/* verdict.c: the sentence of an answer read from the rule, not seen. */
void wr_answer_from_rule_words(struct wr_refusal *r);
/* verdict.c: the rule in words: the sentence's end and the first hint (or why it is not known). */
void wr_rule_words(struct wr_refusal *r);

#endif /* WR_EXPLAIN_H */
