/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A unit's last words where the journal has none (journald with
 * Storage=none, a volatile journal lost, no journald): the lines rsyslog
 * wrote to /var/log/auth.log, /var/log/syslog, /var/log/secure or
 * /var/log/messages. Any local user can write a line there with any tag
 * (logger -t sshd), so the text is someone else's: it is cut, its control
 * bytes replaced, and the file it came from is said with it.
 *
 * Pure: the end of a file's text in, the matching lines out.
 * unit_status.c reads the files.
 */
#ifndef WR_UNIT_SYSLOG_H
#define WR_UNIT_SYSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "unit_facts.h"

/* One line as rsyslog writes it: "STAMP HOST TAG[PID]: MESSAGE". */
struct wr_syslog_entry {
	uint64_t usec;		/* realtime */
	bool precise;		/* RFC 3339 with a fraction; else to the second */
	const char *tag;	/* "sshd", not NUL-terminated */
	size_t tag_len;
	long pid;		/* -1: none given */
	const char *msg;	/* to the end of the line, not NUL-terminated */
	size_t msg_len;
};

/*
 * Parses one line (`n` bytes, no newline): RFC 3339 stamps
 * ("2026-12-02T06:54:42.123456+00:00", rsyslog's RSYSLOG_FileFormat,
 * Debian 12's default) and traditional ones ("Dec  2 06:54:42", local
 * time, no year: the year that puts it at most a day after now_usec).
 * `local` turns a traditional stamp into time_t (mktime; timegm in tests).
 */
bool wr_syslog_parse(const char *line, size_t n, uint64_t now_usec,
		     time_t (*local)(struct tm *tm), struct wr_syslog_entry *e);

/* Which lines are the unit's, and how far back to look. */
struct wr_syslog_want {
	const char *ident;	/* its program's tag: "sshd" */
	const char *unit;	/* "ssh.service": systemd[1]'s lines about it */
	uint64_t since_usec;	/* its last start: older lines are another run's */
	uint64_t now_usec;
	time_t (*local)(struct tm *tm);
	unsigned max_lines;	/* lines looked at, from the end */
};

/* The newest matching lines, newest first, of one file or several. */
struct wr_syslog_found {
	struct wr_unit_line own[WR_UNIT_LINES];	/* its program's */
	struct wr_unit_line sys[WR_UNIT_LINES];	/* systemd's about it */
	uint8_t own_from[WR_UNIT_LINES], sys_from[WR_UNIT_LINES];	/* the file's index */
	size_t n_own, n_sys;
	uint64_t started_usec;	/* systemd's newest "Starting UNIT" line; 0: none seen */
};

/*
 * Reads text[0..n) back from its end (a first, cut line is skipped unless
 * `whole`), at most want->max_lines lines, stopping at the first line older
 * than since_usec, and merges the matching ones into *found (the newest
 * WR_UNIT_LINES of each kind over every file scanned; `from` names this
 * file). Returns the lines looked at.
 */
unsigned wr_syslog_scan(const char *text, size_t n, bool whole, const struct wr_syslog_want *want,
			uint8_t from, struct wr_syslog_found *found);

/*
 * Its last run's lines only: those older than systemd's newest "Starting
 * UNIT" (a restart loop's earlier attempts) go. Call after every scan.
 */
void wr_syslog_last_run(struct wr_syslog_found *found);

#endif /* WR_UNIT_SYSLOG_H */
