// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "route_lookup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "nl_kernel.h"
#include "route_back.h"

#define ROUTE_TIMEOUT_MS 200

static int ask(int fd, const struct wr_refusal *r, struct wr_route *rt)
{
	char req[256], buf[4096];
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval tv = { 0, ROUTE_TIMEOUT_MS * 1000 };
	static uint32_t seq;
	size_t len;
	ssize_t n;
	int tries;

	len = wr_route_request(r->family, r->saddr_raw, ++seq, req, sizeof(req));
	if (!len || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    sendto(fd, req, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) != (ssize_t)len)
		return -1;
	/* Only the kernel's answer to this request counts (nl_kernel.h); a few others at most. */
	for (tries = 0; tries < 4; tries++) {
		n = wr_nl_recv_kernel(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -1;
		if (!wr_route_parse(buf, (size_t)n, r->family, seq, rt))
			return 0;
	}
	return -1;
}

/* An integer sysctl as namespace `ns` sees it; -1 when it cannot be read. */
static int read_sysctl(const struct wr_netns *ns, const char *dev)
{
	char path[128], buf[16];
	ssize_t n;
	int fd, v = -1;

	/* A name with '/' or a leading '.' would be another path (the kernel allows neither). */
	if (!dev[0] || strchr(dev, '/') || dev[0] == '.')
		return -1;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", dev);
	fd = wr_netns_open(ns, path);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%d", &v) != 1)
			v = -1;
	}
	return v;
}

void wr_route_lookup(struct wr_netns_list *l, struct wr_refusal *r)
{
	const struct wr_netns *ns;
	struct wr_route rt;
	char dev[64] = "", in[64], prefix[WR_ADDR_STRLEN + 1100];
	bool self;
	int fd, err;

	if (!wr_route_back_wanted(r))
		return;
	ns = wr_netns_lookup(l, r->netns);
	if (!ns)
		return;
	self = r->netns == wr_netns_self();
	fd = wr_netns_socket(ns, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return;
	err = ask(fd, r, &rt);
	close(fd);
	if (err)
		return;
	if (!rt.error && rt.oif && wr_netns_ifname(ns, rt.oif, dev, sizeof(dev)))
		snprintf(dev, sizeof(dev), "ifindex %u", rt.oif);
	wr_route_ns_prefix(ns->name, ns->pid, self, prefix, sizeof(prefix));
	wr_route_back_fill(r, &rt, dev, prefix);
	if (r->cause != WR_CAUSE_OTHER_DROP || wr_netns_ifname(ns, r->ifindex, in, sizeof(in)))
		return;
	wr_route_rp_filter_fill(r, read_sysctl(ns, "all"), read_sysctl(ns, in), in, prefix);
}
