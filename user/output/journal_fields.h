/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A record as systemd-journald fields (--journal): MESSAGE is the text
 * line, PRIORITY comes from the cause, SYSLOG_IDENTIFIER=whyrefused, and
 * WHYREFUSED_* fields carry the facts (cause, ports, addresses, rule,
 * unit, container...), so `journalctl -t whyrefused WHYREFUSED_CAUSE=...`
 * filters. Pure C: it only fills an iovec list for sd_journal_sendv()
 * (journal_send.c). Values are copied as bytes, never through a format:
 * names from rules, units and containers (foreign strings) may hold '\n',
 * '=' or '%'; the journal's native protocol carries them whole.
 */
#ifndef WR_JOURNAL_FIELDS_H
#define WR_JOURNAL_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "refusal.h"

#define WR_JOURNAL_MAX_FIELDS	64
#define WR_JOURNAL_BYTES	24576	/* all fields' text; a refusal's largest fits */

/* Fields point into buf: an entry is filled and sent where it is, never copied. */
struct wr_journal_entry {
	struct iovec iov[WR_JOURNAL_MAX_FIELDS];
	size_t n;
	char buf[WR_JOURNAL_BYTES];
	size_t used;
	unsigned left_out;	/* fields with no room left (counted, never cut) */
};

/* syslog priority for a cause: backlog_full 3 (err), no_listener 4 (warning)... */
int wr_journal_priority(enum wr_cause cause);

void wr_journal_reset(struct wr_journal_entry *e);
/* Appends NAME=VALUE, VALUE's bytes as they are; false (counted) when full. */
bool wr_journal_add(struct wr_journal_entry *e, const char *name, const char *value);
bool wr_journal_add_uint(struct wr_journal_entry *e, const char *name, uint64_t v);

/* A refusal: `message` is its text record (the line and its hint lines). */
void wr_journal_refusal(struct wr_journal_entry *e, const struct wr_refusal *r,
			const char *message);
/*
 * Another record (start, attach, detach, stats, error): `event` names it
 * (WHYREFUSED_EVENT). For stats, each "name=value" of the text line also
 * becomes a field WHYREFUSED_NAME=value.
 */
void wr_journal_record(struct wr_journal_entry *e, const char *event, int priority,
		       const char *message);

#endif /* WR_JOURNAL_FIELDS_H */
