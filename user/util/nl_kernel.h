/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Netlink messages from the kernel only. Any process in a namespace can
 * unicast to a netlink socket there (root of a rootless container, say):
 * our trace and sock_diag sockets live in other people's namespaces, and a
 * forged NFT_MSG_TRACE or sock_diag reply would name the wrong rule or a
 * listener that is not there. Messages whose sender is not the kernel
 * (nl_pid 0) are dropped and counted.
 */
#ifndef WR_NL_KERNEL_H
#define WR_NL_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* recv() of the next datagram the kernel sent to fd (flags as recv's); -1 and errno as recv's. */
ssize_t wr_nl_recv_kernel(int fd, void *buf, size_t len, int flags);
/* Datagrams dropped because another process sent them, since start. */
uint64_t wr_nl_forged(void);

#endif /* WR_NL_KERNEL_H */
