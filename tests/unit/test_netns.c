// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Entering a network namespace by a path someone else controls: the file
 * opened is checked by inode (a reused pid must not lead into another
 * namespace), only a namespace that is really gone is told as gone, and a
 * helper run inside gets a fixed environment, no inherited descriptor and
 * only the capabilities it needs. The exec tests need root (setns).
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
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "netns.h"
#include "netns_exec.h"

static void test_gone_only_when_gone(void **state)
{
	/* No file (the process exited, the name was deleted), or another namespace there. */
	assert_true(wr_netns_gone(-ENOENT));
	assert_true(wr_netns_gone(-ESRCH));
	assert_true(wr_netns_gone(-ESTALE));
	/* Our own trouble: the namespace and its listeners are as they were. */
	assert_false(wr_netns_gone(-EMFILE));
	assert_false(wr_netns_gone(-ENFILE));
	assert_false(wr_netns_gone(-ENOMEM));
	assert_false(wr_netns_gone(-EPERM));
	assert_false(wr_netns_gone(-EACCES));
	assert_false(wr_netns_gone(-EINTR));
	assert_false(wr_netns_gone(0));
}

static struct wr_netns self_ns(const char *path)
{
	struct wr_netns ns;
	struct stat st;

	memset(&ns, 0, sizeof(ns));
	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	ns.inode = (uint32_t)st.st_ino;
	ns.dev = (uint64_t)st.st_dev;
	snprintf(ns.path, sizeof(ns.path), "%s", path);
	return ns;
}

static void assert_fd_is(int fd, const struct wr_netns *ns)
{
	struct stat st;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal((uint32_t)st.st_ino, ns->inode);
	assert_int_equal((uint64_t)st.st_dev, ns->dev);
	close(fd);
}

static void test_fd_checked_by_inode(void **state)
{
	struct wr_netns ns = self_ns("/proc/self/ns/net");
	int fd;

	assert_fd_is(wr_netns_fd(&ns), &ns);
	/*
	 * Another namespace behind the path (a reused pid): never that one.
	 * This one is still held by this process: found again by its inode.
	 */
	snprintf(ns.path, sizeof(ns.path), "/proc/self/ns/uts");
	assert_fd_is(wr_netns_fd(&ns), &ns);
	snprintf(ns.path, sizeof(ns.path), "/proc/999999999/ns/net");
	assert_fd_is(wr_netns_fd(&ns), &ns);
	/* A namespace nobody holds any more: gone, whatever the path now leads to. */
	ns = self_ns("/proc/self/ns/net");
	ns.inode = 1;
	fd = wr_netns_fd(&ns);
	assert_true(fd < 0);
	assert_true(wr_netns_gone(fd));
	/* The same inode number on another device is another file. */
	ns = self_ns("/proc/self/ns/net");
	ns.dev ^= 1;
	fd = wr_netns_fd(&ns);
	assert_true(fd < 0);
	assert_true(wr_netns_gone(fd));
}

/*
 * A namespace whose process is gone is looked for in /proc once, not at
 * each of a flood of refusals from it: the walk costs ~100 ms with
 * thousands of processes.
 */
static void test_gone_looked_for_at_most_once_a_second(void **state)
{
	struct wr_netns ns = self_ns("/proc/999999999/ns/net");
	uint64_t before = wr_netns_walks();
	int i;

	ns.inode = 7;	/* held by nothing */
	ns.dev = 12345;
	for (i = 0; i < 50; i++)
		assert_int_equal(wr_netns_fd(&ns), -ENOENT);
	assert_int_equal(wr_netns_walks() - before, 1);
}

/* A namespace is named by a process inside only while that pid is still inside. */
static void test_label_only_by_a_pid_still_inside(void **state)
{
	struct wr_netns ns = self_ns("/proc/self/ns/net");
	struct wr_netns_list l = { .v = &ns, .n = 1, .cap = 1 };
	char buf[160], want[160];

	ns.pid = (uint32_t)getpid();
	snprintf(ns.comm, sizeof(ns.comm), "test_netns");
	wr_netns_label(&l, ns.inode, buf, sizeof(buf));
	snprintf(want, sizeof(want), "netns %u (pid %u test_netns)", ns.inode, ns.pid);
	assert_string_equal(buf, want);
	/* The pid now runs elsewhere (reused): the namespace is not its. */
	ns.inode = 7;
	wr_netns_label(&l, ns.inode, buf, sizeof(buf));
	assert_string_equal(buf, "netns 7");
	snprintf(ns.name, sizeof(ns.name), "blue");
	wr_netns_label(&l, ns.inode, buf, sizeof(buf));
	assert_string_equal(buf, "netns 7 (/run/netns/blue)");
}

static void test_exec_resolves_in_fixed_path(void **state)
{
	char path[256];

	setenv("PATH", "/nonexistent", 1);	/* never the caller's PATH */
	assert_int_equal(wr_exec_resolve("sh", path, sizeof(path)), 0);
	assert_true(path[0] == '/');
	assert_true(strlen(path) > 3 && !strcmp(path + strlen(path) - 3, "/sh"));
	assert_int_equal(access(path, X_OK), 0);
	assert_int_equal(wr_exec_resolve("/bin/sh", path, sizeof(path)), 0);
	assert_string_equal(path, "/bin/sh");
	assert_int_equal(wr_exec_resolve("wr-no-such-program", path, sizeof(path)), -ENOENT);
	/* Relative to whatever the current directory is: never. */
	assert_int_equal(wr_exec_resolve("bin/sh", path, sizeof(path)), -EINVAL);
	assert_int_equal(wr_exec_resolve("./sh", path, sizeof(path)), -EINVAL);
	assert_int_equal(wr_exec_resolve("", path, sizeof(path)), -EINVAL);
	/* A directory is not a program. */
	assert_int_equal(wr_exec_resolve("/", path, sizeof(path)), -EACCES);
}

static void test_exec_environment_and_fds(void **state)
{
	struct wr_netns ns = self_ns("/proc/self/ns/net");
	char *env_argv[] = { "env", NULL };
	char *fd_argv[] = { "sh", "-c", "[ -e /proc/self/fd/42 ] && echo leaked 42; "
				       "[ -e /proc/self/fd/43 ] && echo leaked 43; echo done", NULL };
	char out[1024];
	int fd;

	if (geteuid())
		skip();
	setenv("PATH", "/nonexistent", 1);
	setenv("WR_SECRET", "x", 1);
	assert_int_equal(wr_netns_exec(&ns, env_argv, out, sizeof(out), 5000), 0);
	assert_string_equal(out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nLC_ALL=C\n");
	/* Descriptors of ours, without O_CLOEXEC, as a library might leave them. */
	assert_int_equal(dup2(STDERR_FILENO, 42), 42);
	fd = open("/dev/null", O_RDONLY);
	assert_int_equal(dup2(fd, 43), 43);
	close(fd);
	assert_int_equal(wr_netns_exec(&ns, fd_argv, out, sizeof(out), 5000), 0);
	assert_string_equal(out, "done\n");
	close(42);
	close(43);
}

/* The value of "CapXxx:\t%llx" in /proc/PID/status text, or ~0 without it. */
static unsigned long long cap_field(const char *status, const char *name)
{
	const char *p = strstr(status, name);

	return p ? strtoull(p + strlen(name) + 1, NULL, 16) : ~0ULL;
}

static void test_exec_capabilities(void **state)
{
	struct wr_netns ns = self_ns("/proc/self/ns/net");
	/* The shell's own status, read with builtins only (no other exec). */
	char *argv[] = { "sh", "-c", "while read -r l; do case $l in Cap*) echo \"$l\";; esac; "
				     "done </proc/self/status", NULL };
	const unsigned long long helper = (1ULL << 12) | (1ULL << 13);	/* NET_ADMIN, NET_RAW */
	char out[1024];

	if (geteuid())
		skip();
	assert_int_equal(wr_netns_exec(&ns, argv, out, sizeof(out), 5000), 0);
	assert_int_equal(cap_field(out, "CapInh:"), 0);
	assert_int_equal(cap_field(out, "CapPrm:"), helper);
	assert_int_equal(cap_field(out, "CapEff:"), helper);
	assert_int_equal(cap_field(out, "CapAmb:"), 0);
	/* Bounded too where we could drop from the bounding set (CAP_SETPCAP). */
	assert_int_equal(cap_field(out, "CapBnd:") & ~helper, 0);
}

static void test_exec_refuses_another_namespace(void **state)
{
	struct wr_netns ns = self_ns("/proc/self/ns/net");
	char *argv[] = { "sh", "-c", "echo ran", NULL };
	char *missing[] = { "wr-no-such-program", NULL };
	char out[64] = "untouched";
	int rc;

	ns.inode = 1;	/* what we know it by: not what the path leads to */
	rc = wr_netns_exec(&ns, argv, out, sizeof(out), 5000);
	assert_true(rc < 0);
	assert_true(wr_netns_gone(rc));
	assert_true(strstr(out, "ran") == NULL);
	ns = self_ns("/proc/self/ns/net");
	assert_int_equal(wr_netns_exec(&ns, missing, out, sizeof(out), 5000), -ENOENT);
}

static void on_tick(int sig)
{
	(void)sig;
}

/*
 * A signal comes (SIGHUP from logrotate, installed without SA_RESTART as
 * main.c does) while we wait for the helper's output: the wait stays
 * bounded by its deadline, and does not fall into a read that blocks until
 * the helper writes or ends.
 */
static void test_exec_deadline_survives_signals(void **state)
{
	struct wr_netns ns = self_ns("/proc/self/ns/net");
	char *argv[] = { "sh", "-c", "sleep 3", NULL };
	struct sigaction sa = { .sa_handler = on_tick }, old;
	struct itimerval once = { { 0, 0 }, { 0, 50000 } }, off = { 0 };
	struct timespec t0, t1;
	char out[64];
	long ms;
	int rc;

	if (geteuid())
		skip();
	sigaction(SIGALRM, &sa, &old);
	setitimer(ITIMER_REAL, &once, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = wr_netns_exec(&ns, argv, out, sizeof(out), 300);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_int_equal(rc, -ETIMEDOUT);
	assert_true(ms < 2000);
}

/*
 * A namespace no scan can find (held by a descriptor, its processes gone)
 * whose refusals come in a flood: /proc is rescanned for it once, not per
 * refusal (a scan takes ~90 ms with 3,000 processes).
 */
static void test_lookup_miss_rescans_once_a_second(void **state)
{
	struct wr_netns_list l = { 0 };

	(void)state;
	assert_null(wr_netns_lookup(&l, 1));
	assert_null(wr_netns_lookup(&l, 1));
	assert_null(wr_netns_lookup(&l, 2));
	assert_int_equal(l.rescans, 1);
	/* What a scan found is found without one. */
	if (l.n) {
		assert_non_null(wr_netns_lookup(&l, l.v[0].inode));
		assert_int_equal(l.rescans, 1);
	}
	wr_netns_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gone_only_when_gone),
		cmocka_unit_test(test_fd_checked_by_inode),
		cmocka_unit_test(test_gone_looked_for_at_most_once_a_second),
		cmocka_unit_test(test_label_only_by_a_pid_still_inside),
		cmocka_unit_test(test_exec_resolves_in_fixed_path),
		cmocka_unit_test(test_exec_environment_and_fds),
		cmocka_unit_test(test_exec_capabilities),
		cmocka_unit_test(test_exec_refuses_another_namespace),
		cmocka_unit_test(test_exec_deadline_survives_signals),
		cmocka_unit_test(test_lookup_miss_rescans_once_a_second),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
