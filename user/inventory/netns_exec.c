// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "netns_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "privileges.h"

/* An executable regular file at `path`? 0, or -errno. */
static int runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	if (!S_ISREG(st.st_mode) || access(path, X_OK))
		return -EACCES;
	return 0;
}

int wr_exec_resolve(const char *name, char *path, size_t len)
{
	const char *dir = WR_EXEC_PATH, *colon;

	if (!name[0] || (strchr(name, '/') && name[0] != '/'))
		return -EINVAL;
	if (name[0] == '/') {
		if ((size_t)snprintf(path, len, "%s", name) >= len)
			return -ENAMETOOLONG;
		return runnable(path);
	}
	for (; *dir; dir = *colon ? colon + 1 : colon) {
		colon = strchrnul(dir, ':');
		if ((size_t)snprintf(path, len, "%.*s/%s", (int)(colon - dir), dir, name) < len &&
		    !runnable(path))
			return 0;
	}
	return -ENOENT;
}

/* Every descriptor from 3 up: the ring buffer, BPF and netlink ones are not the helper's. */
static void close_from_3(void)
{
	struct rlimit rl;
	unsigned int fd, max = 1U << 20;

#ifdef SYS_close_range
	if (!syscall(SYS_close_range, 3U, ~0U, 0U))
		return;
#endif
	/* Before Linux 5.9: one by one, as far as the limit lets any be open. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < max)
		max = (unsigned int)rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		close(fd);
}

/*
 * After fork: only async-signal-safe calls. setns first (nsfd >= 0), while
 * CAP_SYS_ADMIN is still ours; then the helper's descriptors, signals (a
 * lane's thread blocks them all), capabilities and environment, so it gets
 * nothing else of ours.
 */
static void child(int nsfd, uint64_t caps, int null, int out_fd, const char *path,
		  char *const argv[])
{
	static char *const envp[] = { "PATH=" WR_EXEC_PATH, "LC_ALL=C", NULL };
	sigset_t none;

	sigemptyset(&none);
	if ((nsfd >= 0 && setns(nsfd, CLONE_NEWNET)) || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(out_fd, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0 ||
	    sigprocmask(SIG_SETMASK, &none, NULL))
		_exit(126);
	close_from_3();
	if (wr_limit_capabilities(caps))
		_exit(126);
	execve(path, argv, envp);
	_exit(126);
}

/* Its stdout into out until EOF or the deadline; then its exit status. */
static int collect(pid_t pid, int fd, char *out, size_t len, long long deadline)
{
	size_t used = 0;
	int status;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - wr_now_ms();
		int ready = left > 0 ? poll(&p, 1, (int)left) : 0;
		bool to_out = used + 1 < len;
		char sink[512];
		ssize_t n;

		/* A signal (SIGHUP: logrotate) wakes poll: wait again, never in read(). */
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return -ETIMEDOUT;
		}
		/* Past `len`, keep reading so the child never blocks on a full pipe. */
		n = to_out ? read(fd, out + used, len - 1 - used) : read(fd, sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (to_out)
			used += (size_t)n;
	}
	if (len)
		out[used] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -ECHILD;
}

int wr_run_helper(int nsfd, uint64_t caps, const char *path, char *const argv[], char *out,
		  size_t len, int timeout_ms)
{
	long long deadline = wr_now_ms() + timeout_ms;
	int fds[2], null, err;
	pid_t pid;

	if (len)
		out[0] = '\0';
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return -errno;
	if (pipe2(fds, O_CLOEXEC)) {
		err = -errno;
		close(null);
		return err;
	}
	pid = fork();
	if (pid == 0)
		child(nsfd, caps, null, fds[1], path, argv);
	err = -errno;
	close(null);
	close(fds[1]);
	if (pid > 0)
		err = collect(pid, fds[0], out, len, deadline);
	close(fds[0]);
	return err;
}

int wr_netns_exec(const struct wr_netns *ns, char *const argv[], char *out, size_t len,
		  int timeout_ms)
{
	char path[256];
	int nsfd, err;

	if (len)
		out[0] = '\0';
	err = wr_exec_resolve(argv[0], path, sizeof(path));
	if (err)
		return err;
	/* Opened and checked here: the child enters exactly this namespace. */
	nsfd = wr_netns_fd(ns);
	if (nsfd < 0)
		return nsfd;
	err = wr_run_helper(nsfd, 1ULL << CAP_NET_ADMIN | 1ULL << CAP_NET_RAW, path, argv, out, len,
			    timeout_ms);
	close(nsfd);
	return err;
}
