/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Listening TCP sockets of one network namespace from NETLINK_SOCK_DIAG,
 * as `ss -ltn` gets them. The parser is pure, so it is tested on recorded
 * kernel messages.
 */
#ifndef WR_SOCK_DIAG_H
#define WR_SOCK_DIAG_H

#include <stddef.h>

#include "listener.h"

struct wr_listener_list {
	struct wr_listener *v;
	size_t n;
	size_t cap;
};

void wr_listener_list_free(struct wr_listener_list *l);

/* The dump request for one family, into buf; returns its length. */
size_t wr_diag_build_request(int family, uint32_t seq, void *buf, size_t len);
/*
 * Parses one recv() worth of netlink messages, appending listeners (tagged
 * with `netns`) to `out`. Returns 1 at NLMSG_DONE, 0 if more is to come,
 * or -errno for an NLMSG_ERROR or a malformed message.
 */
int wr_diag_parse(const void *buf, size_t len, uint32_t netns, struct wr_listener_list *out);
/* Dumps IPv4 and IPv6 listeners through a NETLINK_SOCK_DIAG socket. */
int wr_diag_dump_listeners(int fd, uint32_t netns, struct wr_listener_list *out);

#endif /* WR_SOCK_DIAG_H */
