// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "netns_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void child(const struct wr_netns *ns, char *const argv[], int out_fd)
{
	int nsfd = open(ns->path, O_RDONLY | O_CLOEXEC);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (nsfd < 0 || null < 0 || setns(nsfd, CLONE_NEWNET))
		_exit(126);
	dup2(null, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	execvp(argv[0], argv);
	_exit(127);
}

int wr_netns_exec(const struct wr_netns *ns, char *const argv[], char *out, size_t len,
		  int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	size_t used = 0;
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0)
		child(ns, argv, fds[1]);
	close(fds[1]);
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		long long left = deadline - now_ms();
		char sink[512];
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			close(fds[0]);
			return -ETIMEDOUT;
		}
		/* Past `len`, keep reading so the child never blocks on a full pipe. */
		bool to_out = used + 1 < len;

		n = to_out ? read(fds[0], out + used, len - 1 - used) :
			     read(fds[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (to_out)
			used += (size_t)n;
	}
	close(fds[0]);
	if (len)
		out[used < len ? used : len - 1] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -ECHILD;
}
