// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nl_kernel.h"

#include <errno.h>
#include <linux/netlink.h>
#include <sys/socket.h>

static uint64_t forged;

uint64_t wr_nl_forged(void)
{
	return __atomic_load_n(&forged, __ATOMIC_RELAXED);
}

ssize_t wr_nl_recv_kernel(int fd, void *buf, size_t len, int flags)
{
	/* Bounded: a flood of forged datagrams cannot keep us here. */
	for (int guard = 0; guard < 1024; guard++) {
		struct sockaddr_nl from = { 0 };
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, len, flags, (struct sockaddr *)&from, &fl);

		if (n < 0 || (fl == sizeof(from) && from.nl_family == AF_NETLINK && !from.nl_pid))
			return n;
		__atomic_add_fetch(&forged, 1, __ATOMIC_RELAXED);
	}
	errno = EAGAIN;
	return -1;
}
