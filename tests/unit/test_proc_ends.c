// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * How a process ended, from the kernel's exit code, OOM flag and the last
 * signal sent to it: the wording of each end, and which end a listener's
 * stop belongs to (by pid and time).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "proc_ends.h"

static struct wr_proc_end ended(uint32_t exit_code, bool oom, int sent, uint32_t by_pid,
				long sent_ago)
{
	struct wr_proc_end e = { .ts = { 1000, 0 }, .pid = 700 };
	struct timespec when = { 1000 - sent_ago, 0 };

	if (sent) {
		e.by_known = true;
		e.signal = sent;
		e.by_pid = by_pid;
		e.by_uid = 1000;
		snprintf(e.by_comm, sizeof(e.by_comm), "kill");
	}
	wr_proc_end_from_exit(&e, exit_code, oom, sent ? &when : NULL);
	return e;
}

static const char *describe(const struct wr_proc_end *e)
{
	static char buf[192];

	wr_proc_end_describe(e, buf, sizeof(buf));
	return buf;
}

static void test_exit_codes(void **state)
{
	struct wr_proc_end e;

	(void)state;
	e = ended(255 << 8, false, 0, 0, 0);	/* exit(255) */
	assert_int_equal(e.how, WR_END_EXIT);
	assert_int_equal(e.status, 255);
	assert_string_equal(describe(&e), "exited with status 255");

	e = ended(255 << 8, false, 15, 990, 1);	/* SIGTERM handled, then exit(255) */
	assert_string_equal(describe(&e), "exited with status 255 after SIGTERM from kill (pid 990, uid 1000)");
	e = ended(0, false, 15, 990, 60);	/* a signal a minute before is not why */
	assert_string_equal(describe(&e), "exited with status 0");

	e = ended(9, false, 9, 990, 0);
	assert_int_equal(e.how, WR_END_SIGNAL);
	assert_string_equal(describe(&e), "was killed by SIGKILL from kill (pid 990, uid 1000)");
	e = ended(15, false, 0, 0, 0);	/* no note: the sender is not known */
	assert_string_equal(describe(&e), "was killed by SIGTERM");
	e = ended(15, false, 1, 990, 0);	/* the note is about SIGHUP: not this signal */
	assert_string_equal(describe(&e), "was killed by SIGTERM");

	e = ended(11 | 0x80, false, 11, 700, 0);	/* a fault: it signalled itself */
	assert_true(e.core_dumped);
	assert_string_equal(describe(&e), "crashed: SIGSEGV, core dumped");
	e = ended(6, false, 0, 0, 0);
	assert_string_equal(describe(&e), "crashed: SIGABRT");
	e = ended(11, false, 11, 990, 0);	/* SIGSEGV sent by another process: a kill */
	assert_string_equal(describe(&e), "was killed by SIGSEGV from kill (pid 990, uid 1000)");

	e = ended(9, true, 9, 4242, 0);
	assert_int_equal(e.how, WR_END_OOM);
	assert_string_equal(describe(&e), "was killed by SIGKILL from the OOM killer");
}

static void test_names(void **state)
{
	char buf[16];
	struct wr_proc_end e = { .how = WR_END_EXEC, .comm = "sleep" };

	(void)state;
	assert_string_equal(wr_signal_name(15, buf, sizeof(buf)), "SIGTERM");
	assert_string_equal(wr_signal_name(40, buf, sizeof(buf)), "signal 40");
	assert_string_equal(wr_end_how_name(WR_END_OOM), "oom");
	assert_string_equal(describe(&e), "was replaced by sleep (exec)");
	e.how = WR_END_CLOSED;
	assert_string_equal(describe(&e), "closed its socket and still runs");
}

static void test_find_by_pid_and_time(void **state)
{
	static struct wr_proc_ends s;
	struct wr_proc_end e = { .pid = 700, .how = WR_END_EXIT };
	struct timespec at = { 1000, 0 }, after = { 990, 0 }, zero = { 0, 0 };

	(void)state;
	e.ts.tv_sec = 900;
	wr_proc_ends_add(&s, &e);	/* an earlier run of pid 700 */
	e.ts.tv_sec = 1000;
	e.status = 3;
	wr_proc_ends_add(&s, &e);
	e.pid = 701;
	wr_proc_ends_add(&s, &e);
	assert_int_equal(wr_proc_ends_find(&s, 700, &zero, &at)->status, 3);
	assert_null(wr_proc_ends_find(&s, 702, &zero, &at));
	at.tv_sec = 950;	/* a stop between the two: neither */
	assert_null(wr_proc_ends_find(&s, 700, &zero, &at));
	at.tv_sec = 1001;	/* the default mode: seen gone by a poll, between `after` and `at` */
	assert_int_equal(wr_proc_ends_find(&s, 700, &after, &at)->status, 3);
	/* The store keeps the newest WR_PROC_ENDS_MAX. */
	for (int i = 0; i < WR_PROC_ENDS_MAX; i++) {
		e.pid = 2000 + (uint32_t)i;
		wr_proc_ends_add(&s, &e);
	}
	assert_null(wr_proc_ends_find(&s, 700, &zero, &at));
	assert_non_null(wr_proc_ends_find(&s, 2000 + WR_PROC_ENDS_MAX - 1, &zero, &at));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_find_by_pid_and_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
