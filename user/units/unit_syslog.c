// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "unit_syslog.h"

#include <string.h>

/* `n` decimal digits at s as a number; -1 when one is not a digit. */
static int digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool tm_ok(const struct tm *tm)
{
	return tm->tm_mon >= 0 && tm->tm_mon < 12 && tm->tm_mday >= 1 && tm->tm_mday <= 31 &&
	       tm->tm_hour >= 0 && tm->tm_hour < 24 && tm->tm_min >= 0 && tm->tm_min < 60 &&
	       tm->tm_sec >= 0 && tm->tm_sec <= 60;
}

/* "HH:MM:SS" */
static bool clock_fields(const char *s, struct tm *tm)
{
	if (s[2] != ':' || s[5] != ':')
		return false;
	tm->tm_hour = digits(s, 2);
	tm->tm_min = digits(s + 3, 2);
	tm->tm_sec = digits(s + 6, 2);
	return true;
}

/* "2026-12-02T06:54:42.123456+00:00 ": its length with the blank, 0 if it is none. */
static size_t rfc3339(const char *s, size_t n, struct wr_syslog_entry *e)
{
	struct tm tm = { 0 };
	size_t o = 19;
	long frac_us = 0, off = 0;
	int year, oh, om;
	time_t t;

	if (n < 21 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || !clock_fields(s + 11, &tm))
		return 0;
	year = digits(s, 4);
	tm.tm_mon = digits(s + 5, 2) - 1;
	tm.tm_mday = digits(s + 8, 2);
	if (year < 1970 || !tm_ok(&tm))
		return 0;
	tm.tm_year = year - 1900;
	e->precise = false;
	if (s[o] == '.') {
		long scale = 100000;

		for (o++; o < n && s[o] >= '0' && s[o] <= '9'; o++, scale /= 10)
			frac_us += scale > 0 ? (s[o] - '0') * scale : 0;
		e->precise = true;
	}
	if (o < n && s[o] == 'Z') {
		o++;
	} else if (o + 6 <= n && (s[o] == '+' || s[o] == '-') && s[o + 3] == ':') {
		oh = digits(s + o + 1, 2);
		om = digits(s + o + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return 0;
		off = (oh * 3600L + om * 60L) * (s[o] == '+' ? 1 : -1);
		o += 6;
	} else {
		return 0;
	}
	if (o >= n || s[o] != ' ')
		return 0;
	t = timegm(&tm);
	if (t == (time_t)-1 || t - off < 0)
		return 0;
	e->usec = (uint64_t)(t - off) * 1000000 + (uint64_t)frac_us;
	return o + 1;
}

/* "Dec  2 06:54:42 " in local time, the year that puts it at most a day after now. */
static size_t traditional(const char *s, size_t n, uint64_t now_usec,
			  time_t (*local)(struct tm *tm), struct wr_syslog_entry *e)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	time_t now = (time_t)(now_usec / 1000000);
	struct tm tm = { 0 }, now_tm;
	int day;

	if (n < 16 || s[3] != ' ' || s[6] != ' ' || s[15] != ' ' || !local ||
	    !clock_fields(s + 7, &tm) || !gmtime_r(&now, &now_tm))
		return 0;
	tm.tm_mon = -1;
	for (int m = 0; m < 12; m++)
		if (!memcmp(s, months + 3 * m, 3))
			tm.tm_mon = m;
	day = s[4] == ' ' ? digits(s + 5, 1) : digits(s + 4, 2);
	tm.tm_mday = day;
	if (!tm_ok(&tm))
		return 0;
	for (int back = 0; back < 2; back++) {
		struct tm try = tm;
		time_t t;

		try.tm_year = now_tm.tm_year - back;
		try.tm_isdst = -1;
		t = local(&try);
		if (t == (time_t)-1 || t < 0)
			return 0;
		if (t <= now + 86400 || back) {
			e->usec = (uint64_t)t * 1000000;
			e->precise = false;
			return 16;
		}
	}
	return 0;
}

bool wr_syslog_parse(const char *line, size_t n, uint64_t now_usec,
		     time_t (*local)(struct tm *tm), struct wr_syslog_entry *e)
{
	size_t o = rfc3339(line, n, e), h;

	if (!o)
		o = traditional(line, n, now_usec, local, e);
	if (!o)
		return false;
	/* The host: one word. */
	for (h = o; h < n && line[h] != ' '; h++)
		;
	if (h == o || h >= n)
		return false;
	o = h + 1;
	/* The tag: "sshd[123]:" or "sshd:", no blank in it. */
	e->tag = line + o;
	e->pid = -1;
	for (e->tag_len = 0; o < n && line[o] != '[' && line[o] != ':' && line[o] != ' ';
	     o++, e->tag_len++)
		;
	if (!e->tag_len || o >= n || line[o] == ' ')
		return false;
	if (line[o] == '[') {
		long pid = 0;
		size_t d = 0;

		for (o++; o < n && line[o] >= '0' && line[o] <= '9' && d < 10; o++, d++)
			pid = pid * 10 + (line[o] - '0');
		if (!d || o + 1 >= n || line[o] != ']' || line[o + 1] != ':')
			return false;
		e->pid = pid;
		o++;
	}
	o++;	/* the ':' */
	if (o < n && line[o] == ' ')
		o++;
	e->msg = line + o;
	e->msg_len = n - o;
	return true;
}

/* Does systemd's message name the unit as a word ("ssh.service: Failed...", "Stopped ssh.service - ...")? */
static bool names_unit(const char *msg, size_t n, const char *unit)
{
	size_t ul = strlen(unit);

	for (size_t i = 0; ul && i + ul <= n; i++) {
		if (memcmp(msg + i, unit, ul) || (i && msg[i - 1] != ' '))
			continue;
		if (i + ul == n || strchr(": .", msg[i + ul]))
			return true;
	}
	return false;
}

/* Newest first in v[]; an older line than all of a full v[] is left out. */
static void keep(struct wr_unit_line *v, uint8_t *from, size_t *n, const struct wr_syslog_entry *e,
		 bool by_systemd, uint8_t file)
{
	size_t at = 0;

	while (at < *n && v[at].usec >= e->usec)
		at++;
	if (at == WR_UNIT_LINES)
		return;
	if (*n == WR_UNIT_LINES)
		(*n)--;
	memmove(&v[at + 1], &v[at], (*n - at) * sizeof(v[0]));
	memmove(&from[at + 1], &from[at], (*n - at) * sizeof(from[0]));
	wr_unit_copy_line(v[at].text, sizeof(v[at].text), e->msg, e->msg_len);
	/* Someone else's bytes: no control character reaches a hint, not even a tab. */
	for (char *p = v[at].text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	v[at].usec = e->usec;
	v[at].priority = -1;	/* rsyslog's default formats do not keep it */
	v[at].by_systemd = by_systemd;
	from[at] = file;
	(*n)++;
}

/* systemd's line about the unit; "Starting ssh.service - ..." marks a run's start. */
static void systemd_line(struct wr_syslog_found *found, const struct wr_syslog_entry *e,
			 uint8_t from)
{
	if (e->msg_len > 9 && !memcmp(e->msg, "Starting ", 9) && e->usec > found->started_usec)
		found->started_usec = e->usec;
	keep(found->sys, found->sys_from, &found->n_sys, e, true, from);
}

static void drop_older(struct wr_unit_line *v, size_t *n, uint64_t usec)
{
	while (*n && v[*n - 1].usec < usec)	/* newest first: the oldest at the end */
		(*n)--;
}

void wr_syslog_last_run(struct wr_syslog_found *found)
{
	drop_older(found->own, &found->n_own, found->started_usec);
	drop_older(found->sys, &found->n_sys, found->started_usec);
}

static bool older(const struct wr_syslog_entry *e, uint64_t since)
{
	/* A stamp to the second may be up to a second before what it stamps. */
	return e->precise ? e->usec < since : e->usec + 1000000 <= since;
}

unsigned wr_syslog_scan(const char *text, size_t n, bool whole, const struct wr_syslog_want *want,
			uint8_t from, struct wr_syslog_found *found)
{
	size_t end = n, il = want->ident ? strlen(want->ident) : 0;
	unsigned seen = 0;

	while (end && seen < want->max_lines) {
		struct wr_syslog_entry e;
		const char *nl;
		size_t start;

		if (text[end - 1] == '\n') {
			end--;
			continue;
		}
		nl = memrchr(text, '\n', end);
		if (!nl && !whole)
			break;	/* the first line was cut where the read began */
		start = nl ? (size_t)(nl - text) + 1 : 0;
		seen++;
		if (wr_syslog_parse(text + start, end - start, want->now_usec, want->local, &e)) {
			if (older(&e, want->since_usec))
				break;
			if (il && e.tag_len == il && !memcmp(e.tag, want->ident, il))
				keep(found->own, found->own_from, &found->n_own, &e, false, from);
			else if (want->unit && e.tag_len == 7 && !memcmp(e.tag, "systemd", 7) &&
				 e.pid == 1 && names_unit(e.msg, e.msg_len, want->unit))
				systemd_line(found, &e, from);
		}
		end = start;
	}
	return seen;
}
