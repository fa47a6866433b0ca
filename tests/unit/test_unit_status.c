// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * unit_status.c where systemd is not PID 1 (this build machine, containers):
 * it says nothing, at once. And the fixed command line it runs sshd -T
 * with: no shell, no descriptor or environment of ours, a deadline. The
 * lookups themselves run where systemd is PID 1 (tests/systemd/).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "unit_status.h"

static void test_no_systemd_says_nothing(void **state)
{
	struct wr_unit_facts v[WR_UNITS_MAX];
	long long t0;

	(void)state;
	if (wr_systemd_running()) {	/* a systemd guest: tests/systemd/ covers it */
		skip();
		return;
	}
	t0 = wr_now_ms();
	for (int i = 0; i < 100; i++)
		assert_int_equal(wr_units_for_port(22, v, WR_UNITS_MAX, 1000), 0);
	assert_int_equal(wr_units_for_port(80, v, 1, 1000), 0);
	/* A stat each: nothing is connected to, read or run. */
	assert_true(wr_now_ms() - t0 < 100);
	assert_int_equal(wr_units_skipped(), 0);
}

static void test_bad_arguments_say_nothing(void **state)
{
	struct wr_unit_facts v[1];

	(void)state;
	assert_int_equal(wr_units_for_port(0, v, 1, 1000), 0);
	assert_int_equal(wr_units_for_port(22, v, 0, 1000), 0);
	assert_int_equal(wr_units_for_port(22, v, 1, 0), 0);
}

static void test_run_fixed(void **state)
{
	char *const echo[] = { "/bin/echo", "a b", "$HOME", NULL };
	char *const env[] = { "/usr/bin/env", NULL };
	char *const relative[] = { "echo", "x", NULL };
	char *const fail[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	char *const missing[] = { "/nonexistent/sshd", "-T", NULL };
	char out[256];

	(void)state;
	/* Arguments as given, no shell to expand them. */
	assert_int_equal(wr_run_fixed(echo, out, sizeof(out), 2000), 0);
	assert_string_equal(out, "a b $HOME\n");
	/* Its environment is ours to say, not inherited. */
	setenv("WR_SECRET", "x", 1);
	assert_int_equal(wr_run_fixed(env, out, sizeof(out), 2000), 0);
	assert_string_equal(out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nLC_ALL=C\n");
	unsetenv("WR_SECRET");
	/* A name looked up in some PATH is refused. */
	assert_int_equal(wr_run_fixed(relative, out, sizeof(out), 2000), -EINVAL);
	assert_string_equal(out, "");
	/* Its exit status; stderr is not kept. */
	assert_int_equal(wr_run_fixed(fail, out, sizeof(out), 2000), 3);
	assert_string_equal(out, "out\n");
	/* A program that cannot be run. */
	assert_int_equal(wr_run_fixed(missing, out, sizeof(out), 2000), 126);
}

static void test_run_fixed_no_descriptor_of_ours(void **state)
{
	char *const fds[] = { "/bin/sh", "-c", "cd /proc/self/fd && echo *", NULL };
	int leak = open("/dev/null", O_RDONLY);	/* no O_CLOEXEC: as a library might */
	char out[256];

	(void)state;
	assert_true(leak >= 3);
	assert_int_equal(wr_run_fixed(fds, out, sizeof(out), 2000), 0);
	/* The shell's own 0, 1, 2, and the directory its glob reads. */
	assert_string_equal(out, "0 1 2 3\n");
	close(leak);
}

static void test_run_fixed_deadline(void **state)
{
	char *const slow[] = { "/bin/sh", "-c", "echo started; exec sleep 10", NULL };
	char *const chatty[] = { "/bin/sh", "-c", "yes | head -c 200000", NULL };
	char out[64];
	long long t0 = wr_now_ms();

	(void)state;
	assert_int_equal(wr_run_fixed(slow, out, sizeof(out), 300), -ETIMEDOUT);
	assert_true(wr_now_ms() - t0 < 1500);
	/* More output than room: cut, and it still finishes (never blocks on the pipe). */
	assert_int_equal(wr_run_fixed(chatty, out, sizeof(out), 2000), 0);
	assert_int_equal(strlen(out), sizeof(out) - 1);
}

/* This machine's sshd, as unit_status.c runs it: the ports it is configured for. */
static void test_sshd_T(void **state)
{
	char *const argv[] = { "/usr/sbin/sshd", "-T", NULL };
	static char out[16384];
	uint16_t ports[8];
	int rc;

	(void)state;
	if (access(argv[0], X_OK)) {
		skip();
		return;
	}
	rc = wr_run_fixed(argv, out, sizeof(out), 2000);
	/* 255: no host keys, or no /run/sshd (the unit makes it): then no port is said. */
	if (rc == 255) {
		skip();
		return;
	}
	assert_int_equal(rc, 0);
	assert_true(wr_sshd_ports(out, ports, 8) >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_systemd_says_nothing),
		cmocka_unit_test(test_bad_arguments_say_nothing),
		cmocka_unit_test(test_run_fixed),
		cmocka_unit_test(test_run_fixed_no_descriptor_of_ours),
		cmocka_unit_test(test_run_fixed_deadline),
		cmocka_unit_test(test_sshd_T),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
