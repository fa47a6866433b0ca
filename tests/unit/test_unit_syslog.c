// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A unit's last words from the syslog files (unit_syslog.c): rsyslog's
 * RFC 3339 format (Debian 12's default) and the traditional one, the
 * unit's program's lines and systemd's about it, the bound of its last
 * start, a file read from its middle, and lines written by someone else.
 * Times are UTC (timegm stands in for mktime).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "unit_syslog.h"

#define USEC 1000000ULL
#define T_NOW   (1796195700ULL * USEC)	/* 2026-12-02 07:15:00 */
#define T_START (1796195400ULL * USEC)	/* 2026-12-02 07:10:00: its last start */

/*
 * /var/log/syslog of the Debian 12 guest (make vmsystemd,
 * tests/systemd/test_ssh_syslog.sh): journald with Storage=none forwards
 * to rsyslog; a `Portt 22` in sshd_config and `systemctl restart ssh`.
 * sshd -t's stderr is facility daemon: /var/log/syslog, not auth.log.
 */
static const char syslog_file[] =
	"2026-12-02T07:05:01.100000+00:00 wr-guest sshd[301]: Server listening on 0.0.0.0 port 22.\n"
	"2026-12-02T07:09:59.900000+00:00 wr-guest sshd[388]: /etc/ssh/sshd_config: line 123: "
	"Bad configuration option: Portt\n"
	"2026-12-02T07:10:00.000000+00:00 wr-guest systemd[1]: Starting ssh.service - OpenBSD "
	"Secure Shell server...\n"
	"2026-12-02T07:10:00.120000+00:00 wr-guest sshd[401]: /etc/ssh/sshd_config: line 123: "
	"Bad configuration option: Portt\n"
	"2026-12-02T07:10:00.130000+00:00 wr-guest sshd[401]: /etc/ssh/sshd_config: terminating, "
	"1 bad configuration options\n"
	"2026-12-02T07:10:00.200000+00:00 wr-guest systemd[1]: ssh.service: Control process "
	"exited, code=exited, status=255/EXCEPTION\n"
	"2026-12-02T07:10:00.210000+00:00 wr-guest systemd[1]: ssh.service: Failed with result "
	"'exit-code'.\n"
	"2026-12-02T07:10:00.220000+00:00 wr-guest systemd[1]: Failed to start ssh.service - "
	"OpenBSD Secure Shell server.\n"
	"2026-12-02T07:10:01.000000+00:00 wr-guest systemd[1]: sshd-keygen.service: Deactivated.\n";

static struct wr_syslog_want want(const char *ident, const char *unit)
{
	return (struct wr_syslog_want){ .ident = ident, .unit = unit, .since_usec = T_START,
					.now_usec = T_NOW, .local = timegm, .max_lines = 100 };
}

static void test_parse(void **state)
{
	struct wr_syslog_entry e;
	const char *l = "2026-12-02T07:10:00.120000+01:00 wr-guest sshd[401]: hello world";

	(void)state;
	assert_true(wr_syslog_parse(l, strlen(l), T_NOW, timegm, &e));
	assert_int_equal(e.usec, T_START - 3600 * USEC + 120000);
	assert_true(e.precise);
	assert_int_equal(e.tag_len, 4);
	assert_memory_equal(e.tag, "sshd", 4);
	assert_int_equal(e.pid, 401);
	assert_int_equal(e.msg_len, strlen("hello world"));
	assert_memory_equal(e.msg, "hello world", e.msg_len);

	/* Traditional: local time, no year, to the second; a tag without a pid. */
	l = "Dec  2 07:10:00 wr-guest sshd: hello";
	assert_true(wr_syslog_parse(l, strlen(l), T_NOW, timegm, &e));
	assert_int_equal(e.usec, T_START);
	assert_false(e.precise);
	assert_int_equal(e.pid, -1);
	/* Dec 31 read on Jan 1: last year's. */
	l = "Dec 31 23:59:59 h cron[1]: x";
	assert_true(wr_syslog_parse(l, strlen(l), 1798761600ULL * USEC /* 2027-01-01 */, timegm,
				    &e));
	assert_int_equal(e.usec, (1798761600ULL - 1) * USEC);
	l = "2026-12-02T07:10:00Z h k: m";
	assert_true(wr_syslog_parse(l, strlen(l), T_NOW, timegm, &e));
	assert_int_equal(e.usec, T_START);

	/* Not syslog lines: each is refused, none read out of bounds. */
	static const char *const bad[] = {
		"", "2026-12-02T07:10:00", "2026-12-02T07:10:00+00:00", "2026-13-02T07:10:00Z h t: m",
		"2026-12-02T25:10:00Z h t: m", "2026-12-02T07:10:00+0000 h t: m",
		"Foo  2 07:10:00 h t: m", "Dec 32 07:10:00 h t: m", "Dec  2 07:10:00 h", "Dec  2 07:10:00 h t",
		"Dec  2 07:10:00 h t[12: m", "Dec  2 07:10:00 h t[]: m", "Dec  2 07:10:00 h [1]: m",
		"Dec  2 07:10:00 h two words: m", "1969-12-31T23:59:59Z h t: m",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(wr_syslog_parse(bad[i], strlen(bad[i]), T_NOW, timegm, &e));
}

/* Its program's lines since its last start, newest kept, in order; not the run before's. */
static void test_scan_own_lines(void **state)
{
	struct wr_syslog_want w = want("sshd", "ssh.service");
	struct wr_syslog_found f = { .n_own = 0 };

	(void)state;
	assert_int_equal(wr_syslog_scan(syslog_file, strlen(syslog_file), true, &w, 2, &f), 8);
	assert_int_equal(f.n_own, 2);
	assert_string_equal(f.own[0].text, "/etc/ssh/sshd_config: terminating, 1 bad configuration "
					   "options");
	assert_string_equal(f.own[1].text, "/etc/ssh/sshd_config: line 123: Bad configuration "
					   "option: Portt");
	assert_int_equal(f.own[1].usec, T_START + 120000);
	assert_int_equal(f.own[1].priority, -1);
	assert_false(f.own[1].by_systemd);
	assert_int_equal(f.own_from[0], 2);
	/* systemd's about it, its 3 newest; not sshd-keygen.service's. */
	assert_int_equal(f.n_sys, 3);
	assert_string_equal(f.sys[0].text, "Failed to start ssh.service - OpenBSD Secure Shell "
					   "server.");
	assert_string_equal(f.sys[2].text, "ssh.service: Control process exited, code=exited, "
					   "status=255/EXCEPTION");
	assert_true(f.sys[2].by_systemd);
}

/* Two files merge by time; the newest WR_UNIT_LINES stay, each with its file. */
static void test_scan_merges_files(void **state)
{
	static const char auth[] =
		"2026-12-02T07:10:00.125000+00:00 wr-guest sshd[401]: error: Bind to port 22 on "
		"0.0.0.0 failed: Address already in use.\n";
	struct wr_syslog_want w = want("sshd", "ssh.service");
	struct wr_syslog_found f = { .n_own = 0 };

	(void)state;
	wr_syslog_scan(auth, strlen(auth), true, &w, 0, &f);
	wr_syslog_scan(syslog_file, strlen(syslog_file), true, &w, 2, &f);
	assert_int_equal(f.n_own, 3);
	assert_string_equal(f.own[1].text, "error: Bind to port 22 on 0.0.0.0 failed: Address "
					   "already in use.");
	assert_int_equal(f.own_from[0], 2);
	assert_int_equal(f.own_from[1], 0);
	assert_int_equal(f.own_from[2], 2);
}

/* Read from the middle: the cut first line is not taken; bounded in lines. */
static void test_scan_bounds(void **state)
{
	struct wr_syslog_want w = want("sshd", "ssh.service");
	struct wr_syslog_found f = { .n_own = 0 };
	const char *cut = strstr(syslog_file, "sshd[401]: /etc/ssh/sshd_config: terminating");

	(void)state;
	assert_int_equal(wr_syslog_scan(cut, strlen(cut), false, &w, 0, &f), 4);
	assert_int_equal(f.n_own, 0);
	assert_int_equal(f.n_sys, 3);
	memset(&f, 0, sizeof(f));
	w.max_lines = 2;
	assert_int_equal(wr_syslog_scan(syslog_file, strlen(syslog_file), true, &w, 0, &f), 2);
	assert_int_equal(f.n_sys, 1);
	/* No tag to look for: systemd's lines only. */
	memset(&f, 0, sizeof(f));
	w = want(NULL, "ssh.service");
	wr_syslog_scan(syslog_file, strlen(syslog_file), true, &w, 0, &f);
	assert_int_equal(f.n_own, 0);
	assert_int_equal(f.n_sys, 3);
	/* Its last start unknown: systemd's "Starting" line bounds the run (a restart loop). */
	memset(&f, 0, sizeof(f));
	w = want("sshd", "ssh.service");
	w.since_usec = T_START - 600 * USEC;
	wr_syslog_scan(syslog_file, strlen(syslog_file), true, &w, 0, &f);
	assert_int_equal(f.n_own, 3);
	assert_int_equal(f.started_usec, T_START);
	wr_syslog_last_run(&f);
	assert_int_equal(f.n_own, 2);
	assert_int_equal(f.own[1].usec, T_START + 120000);
	/* Traditional stamps are to the second: the line of its start's second counts. */
	static const char trad[] = "Dec  2 07:09:59 h sshd[1]: old\nDec  2 07:10:00 h sshd[2]: new\n";
	memset(&f, 0, sizeof(f));
	w = want("sshd", "ssh.service");
	w.since_usec = T_START + 500000;
	wr_syslog_scan(trad, strlen(trad), true, &w, 0, &f);
	assert_int_equal(f.n_own, 1);
	assert_string_equal(f.own[0].text, "new");
}

/*
 * Anyone can write there (logger -t sshd): control bytes are replaced, a
 * long line is cut at a character, a forged "systemd" without pid 1 is not
 * systemd's, a unit name inside another word is not the unit's.
 */
static void test_hostile_lines(void **state)
{
	char text[2048];
	struct wr_syslog_want w = want("sshd", "ssh.service");
	struct wr_syslog_found f = { .n_own = 0 };
	int n;

	(void)state;
	n = snprintf(text, sizeof(text),
		     "2026-12-02T07:11:00Z h systemd: ssh.service: forged\n"
		     "2026-12-02T07:11:01Z h systemd[1]: notssh.service: Failed\n"
		     "2026-12-02T07:11:02Z h systemd[1]: xssh.service is not it\n"
		     "2026-12-02T07:11:03Z h sshd[9]: \x1b]0;title\x07 tab\there\r\n"
		     "2026-12-02T07:11:04Z h sshd[9]: ");
	memset(text + n, 'x', 300);
	memcpy(text + n + 254, "\xc3\xa9", 2);
	text[n + 300] = '\0';
	wr_syslog_scan(text, strlen(text), true, &w, 0, &f);
	assert_int_equal(f.n_sys, 0);
	assert_int_equal(f.n_own, 2);
	assert_int_equal(strlen(f.own[0].text), 254);	/* cut before the second byte of é */
	assert_string_equal(f.own[1].text, "?]0;title? tab?here");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_scan_own_lines),
		cmocka_unit_test(test_scan_merges_files),
		cmocka_unit_test(test_scan_bounds),
		cmocka_unit_test(test_hostile_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
