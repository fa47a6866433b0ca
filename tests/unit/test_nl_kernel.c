// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Netlink datagrams from the kernel are read; those another process sends
 * to our socket (anyone in the namespace can) are dropped and counted.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "nl_kernel.h"

static int bound(int proto, uint32_t *portid)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };
	socklen_t al = sizeof(a);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	*portid = a.nl_pid;
	return fd;
}

static void test_forged_dropped_kernel_read(void **state)
{
	struct { struct nlmsghdr h; struct rtgenmsg g; } req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.g = { .rtgen_family = AF_UNSPEC },
	};
	struct nlmsghdr fake = { .nlmsg_len = sizeof(fake), .nlmsg_type = NLMSG_DONE }, got;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	uint32_t ours, theirs;
	int fd = bound(NETLINK_ROUTE, &ours), peer = bound(NETLINK_ROUTE, &theirs);
	uint64_t before = wr_nl_forged();
	long buf[8192 / sizeof(long)];
	ssize_t n;

	(void)state;
	/* A peer writes to our socket: nothing for us. */
	to.nl_pid = ours;
	assert_int_equal(sendto(peer, &fake, sizeof(fake), 0, (struct sockaddr *)&to, sizeof(to)),
			 sizeof(fake));
	n = wr_nl_recv_kernel(fd, buf, sizeof(buf), MSG_DONTWAIT);
	assert_int_equal(n, -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(wr_nl_forged() - before, 1);
	/* The kernel's answer to our request is read, the forged one before it skipped. */
	assert_int_equal(sendto(peer, &fake, sizeof(fake), 0, (struct sockaddr *)&to, sizeof(to)),
			 sizeof(fake));
	to.nl_pid = 0;
	assert_int_equal(sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)),
			 sizeof(req));
	n = wr_nl_recv_kernel(fd, buf, sizeof(buf), 0);
	assert_true(n > 0);
	memcpy(&got, buf, sizeof(got));
	assert_int_equal(got.nlmsg_seq, 1);
	assert_int_equal(wr_nl_forged() - before, 2);
	close(fd);
	close(peer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forged_dropped_kernel_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
