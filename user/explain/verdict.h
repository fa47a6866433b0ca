/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one place that decides a refusal's cause, its sentence and the order
 * of its hints, from the facts the stages added (refusal.h). Stages add
 * facts only; wr_verdict() runs once, at the end, right before output.
 * Pure C, no I/O.
 */
#ifndef WR_VERDICT_H
#define WR_VERDICT_H

#include "refusal.h"

/*
 * The cause the facts so far say: the kernel event's kind and reason, then
 * what the stages learned (a full accept queue turns LISTEN_DROP into
 * LISTEN_OVERFLOW; a named rule's text, or TPROXY, says what it answered).
 * A stage that picks its work by cause after others added facts asks this.
 */
enum wr_cause wr_cause_of(const struct wr_refusal *r);

/*
 * The verdict, from all the facts: the cause, then its words (the sentence,
 * what the client sees, the hints) in the order causes.c's table gives.
 */
void wr_verdict(struct wr_refusal *r);
/* no_listener: a systemd unit's advice (unit_lane.c's facts), put first. */
void wr_unit_advice_words(struct wr_refusal *r);

#endif /* WR_VERDICT_H */
