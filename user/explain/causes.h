/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The causes as data: for each cause its JSON name, its text label, what
 * happened in the kernel and what the client sees (README.md's Causes table,
 * which tests/unit/test_causes.c checks against this table), and how loud it
 * is, and the order its words are made in. Pure C, no I/O.
 */
#ifndef WR_CAUSES_H
#define WR_CAUSES_H

#include <stdbool.h>

#include "refusal.h"

#define WR_CAUSE_WORDS	10

/* A wording step of the verdict: adds to the sentence or the hints from the facts. */
typedef void (*wr_words_fn)(struct wr_refusal *r);

struct wr_cause_info {
	enum wr_cause cause;
	const char *name;		/* JSON `cause`, metrics, journal: "no_listener" */
	const char *label;		/* the text line's first word: "REFUSED" */
	const char *happened;		/* README: what happened in the kernel */
	const char *client_sees;	/* README: what the client sees */
	bool quiet;			/* a drop, or maybe one: yellow, not red, on a terminal */
	int priority;			/* journald's PRIORITY (syslog.h LOG_*) */
	/*
	 * How verdict.c words it, in order: the sentence first, then the hints
	 * in the order they are shown. Each step says nothing when its facts
	 * are not there.
	 */
	wr_words_fn words[WR_CAUSE_WORDS];
};

/* The row of cause `c`; other_drop's for a value out of range. */
const struct wr_cause_info *wr_cause_info(enum wr_cause c);

const char *wr_cause_name(enum wr_cause c);	/* JSON: "no_listener"... */
const char *wr_cause_label(enum wr_cause c);	/* text: "REFUSED"... */

#endif /* WR_CAUSES_H */
