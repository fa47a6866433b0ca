// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "sock_diag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "grow.h"
#include "nl_kernel.h"

#define WR_TCP_LISTEN 10

void wr_listener_list_free(struct wr_listener_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int list_add(struct wr_listener_list *l, const struct wr_listener *x)
{
	if (wr_grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v)))
		return -ENOMEM;
	l->v[l->n++] = *x;
	return 0;
}

size_t wr_diag_build_request(int family, uint32_t seq, void *buf, size_t len)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} *m = buf;

	if (len < sizeof(*m))
		return 0;
	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = sizeof(*m);
	m->nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	m->nlh.nlmsg_seq = seq;
	m->req.sdiag_family = (uint8_t)family;
	m->req.sdiag_protocol = IPPROTO_TCP;
	m->req.idiag_states = 1U << WR_TCP_LISTEN;
	/* No extensions: INET_DIAG_SKV6ONLY comes with every AF_INET6 socket. */
	return sizeof(*m);
}

static int parse_one(const struct nlmsghdr *h, uint32_t netns, struct wr_listener_list *out)
{
	const struct inet_diag_msg *d = NLMSG_DATA(h);
	const struct rtattr *a;
	struct wr_listener l;
	int alen;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*d)))
		return -EBADMSG;
	if (d->idiag_state != WR_TCP_LISTEN ||
	    (d->idiag_family != AF_INET && d->idiag_family != AF_INET6))
		return 0;
	memset(&l, 0, sizeof(l));
	l.netns = netns;
	l.family = d->idiag_family;
	memcpy(l.addr, d->id.idiag_src, l.family == AF_INET6 ? 16 : 4);
	l.port = ntohs(d->id.idiag_sport);
	l.inode = d->idiag_inode;
	l.rqueue = d->idiag_rqueue;
	l.wqueue = d->idiag_wqueue;
	l.bound_ifindex = d->id.idiag_if;	/* sk_bound_dev_if */

	alen = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*d));
	for (a = (const struct rtattr *)(d + 1); RTA_OK(a, alen); a = RTA_NEXT(a, alen))
		if (a->rta_type == INET_DIAG_SKV6ONLY && RTA_PAYLOAD(a) >= 1)
			l.v6only = *(const uint8_t *)RTA_DATA(a) != 0;
	return list_add(out, &l);
}

int wr_diag_parse(const void *buf, size_t len, uint32_t netns, struct wr_listener_list *out)
{
	const struct nlmsghdr *h = buf;
	int rem = (int)len, err;

	for (; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EBADMSG;
			return e->error ? e->error : -EBADMSG;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			continue;
		err = parse_one(h, netns, out);
		if (err)
			return err;
	}
	return rem == 0 ? 0 : -EBADMSG;
}

int wr_diag_dump_listeners(int fd, uint32_t netns, struct wr_listener_list *out)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char req[128];
	long buf[8192 / sizeof(long)];
	size_t i, len;
	int ret, guard;

	for (i = 0; i < 2; i++) {
		len = wr_diag_build_request(families[i], (uint32_t)i + 1, req, sizeof(req));
		if (sendto(fd, req, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
			return -errno;
		/* Bounded: a dump of a million listeners ends long before this. */
		for (ret = 0, guard = 0; ret == 0 && guard < 100000; guard++) {
			/* The kernel's dump only: a forged reply would add a listener. */
			ssize_t n = wr_nl_recv_kernel(fd, buf, sizeof(buf), 0);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			ret = wr_diag_parse(buf, (size_t)n, netns, out);
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}
