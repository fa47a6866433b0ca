// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "route_back.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>

#include "explain.h"
#include "shell_quote.h"

size_t wr_route_request(int family, const uint8_t *dst, uint32_t seq, void *buf, size_t len)
{
	size_t alen = family == AF_INET6 ? 16 : 4;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*rtm)) + MNL_ATTR_HDRLEN + 16)
		return 0;
	memset(buf, 0, len);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)(alen * 8);
	mnl_attr_put(nlh, RTA_DST, alen, dst);
	return nlh->nlmsg_len;
}

struct parsed {
	struct wr_route *rt;
	size_t alen;
};

static int route_attr(const struct nlattr *a, void *data)
{
	struct parsed *p = data;
	uint16_t type = mnl_attr_get_type(a);
	uint16_t n = mnl_attr_get_payload_len(a);
	const void *v = mnl_attr_get_payload(a);

	if (type == RTA_OIF && n == sizeof(uint32_t)) {
		memcpy(&p->rt->oif, v, sizeof(uint32_t));
	} else if (type == RTA_GATEWAY && n == p->alen) {
		memcpy(p->rt->via, v, n);
		p->rt->has_via = true;
	} else if (type == RTA_PREFSRC && n == p->alen) {
		memcpy(p->rt->src, v, n);
		p->rt->has_src = true;
	}
	return MNL_CB_OK;
}

int wr_route_parse(const void *buf, size_t len, int family, uint32_t seq, struct wr_route *rt)
{
	const struct nlmsghdr *nlh = buf;
	struct parsed p = { rt, family == AF_INET6 ? 16 : 4 };
	const struct rtmsg *rtm;

	memset(rt, 0, sizeof(*rt));
	/* NLMSG_OK, not mnl_nlmsg_ok: a length >= 2^31 must not pass as fitting. */
	if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len ||
	    nlh->nlmsg_seq != seq)
		return -1;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		/* An errno is small: anything else is no kernel answer (and -INT_MIN overflows). */
		if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e) || e->error >= 0 ||
		    e->error < -4095)
			return -1;
		rt->error = -e->error;
		return 0;
	}
	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*rtm)))
		return -1;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != family)
		return -1;
	if (mnl_attr_parse(nlh, sizeof(*rtm), route_attr, &p) < 0)
		return -1;
	/* Local, blackhole, unreachable, prohibit: what `ip route get` would print. */
	if (rtm->rtm_type == RTN_UNREACHABLE)
		rt->error = EHOSTUNREACH;
	else if (rtm->rtm_type == RTN_BLACKHOLE)
		rt->error = EINVAL;
	else if (rtm->rtm_type == RTN_PROHIBIT)
		rt->error = EACCES;
	return 0;
}

void wr_route_ns_prefix(const char *name, uint32_t pid, bool self, char *buf, size_t len)
{
	char q[WR_QUOTED_LEN];

	if (self)
		snprintf(buf, len, "%s", "");
	else if (name && name[0])
		snprintf(buf, len, "ip netns exec %s ", wr_shell_quote(name, q, sizeof(q)));
	else if (pid)
		snprintf(buf, len, "nsenter -t %u -n ", pid);
	else
		snprintf(buf, len, "%s", "");
}

bool wr_route_back_wanted(const struct wr_refusal *r)
{
	return r->cause == WR_CAUSE_HANDSHAKE_INCOMPLETE ||
	       (r->cause == WR_CAUSE_OTHER_DROP && r->reason && !strcmp(r->reason, "IP_RPFILTER"));
}

static const char *route_error_words(int error)
{
	switch (error) {
	case ENETUNREACH: return "no route (network unreachable)";
	case EHOSTUNREACH: return "an unreachable route";
	case EINVAL: return "a blackhole route";
	case EACCES: return "a prohibit route";
	}
	return "no usable route";
}

void wr_route_back_fill(struct wr_refusal *r, const struct wr_route *rt, const char *dev,
			const char *prefix)
{
	struct wr_route_back *b = &r->route_back;
	int n;

	memset(b, 0, sizeof(*b));
	b->looked = true;
	b->error = rt->error;
	b->rp_filter = -1;
	snprintf(b->prefix, sizeof(b->prefix), "%s", prefix);
	n = snprintf(b->command, sizeof(b->command), "%sip route get %s", prefix, r->saddr);
	if (n < 0 || (size_t)n >= sizeof(b->command))
		b->command[0] = '\0';	/* cut, it would run something else: not shown */
	if (rt->error)
		return;
	snprintf(b->dev, sizeof(b->dev), "%s", dev ? dev : "");
	if (rt->has_via)
		inet_ntop(r->family, rt->via, b->via, sizeof(b->via));
	if (rt->has_src)
		inet_ntop(r->family, rt->src, b->src, sizeof(b->src));
}

static void way_back_hint(struct wr_refusal *r)
{
	const struct wr_route_back *b = &r->route_back;
	char way[WR_TEXT_LEN / 2];

	if (b->error)
		snprintf(way, sizeof(way), "the way back to %s: this namespace has %s",
			 r->saddr, route_error_words(b->error));
	else	/* as `ip route get` words it */
		snprintf(way, sizeof(way), "the way back to %s:%s%s%s%s%s%s", r->saddr,
			 b->via[0] ? " via " : "", b->via, b->dev[0] ? " dev " : "", b->dev,
			 b->src[0] ? " src " : "", b->src);
	if (b->command[0])
		wr_add_hint(r, "%s; ask again: %s", way, b->command);
	else
		wr_add_hint(r, "%s", way);
}

static const char *rp_words(int v)
{
	return v == 0 ? "off" : v == 1 ? "strict" : v == 2 ? "loose" : "unknown";
}

void wr_route_rp_filter_fill(struct wr_refusal *r, int all, int dev, const char *in_dev,
			     const char *prefix)
{
	struct wr_route_back *b = &r->route_back;

	b->rp_all = all;
	b->rp_dev = dev;
	b->rp_filter = all > dev ? all : dev;	/* the kernel uses the larger */
	snprintf(b->in_dev, sizeof(b->in_dev), "%s", in_dev);
	snprintf(b->prefix, sizeof(b->prefix), "%s", prefix);
}

static void rp_filter_hint(struct wr_refusal *r)
{
	const struct wr_route_back *b = &r->route_back;
	const char *in_dev = b->in_dev;
	char key[128], q[WR_QUOTED_LEN], other[96] = "";

	if (!in_dev[0] || b->rp_filter < 0)
		return;
	if (b->looked && !b->error && b->dev[0] && strcmp(b->dev, in_dev))
		snprintf(other, sizeof(other), ": the way back leaves by %s, not by %s", b->dev,
			 in_dev);
	else if (b->looked && b->error)
		snprintf(other, sizeof(other), ": there is no way back to %s", r->saddr);
	/* sysctl's '/' form: an interface name may hold dots. */
	snprintf(key, sizeof(key), "net/ipv4/conf/%s/rp_filter=2", in_dev);
	wr_add_hint(r, "rp_filter in force on %s: %d (%s; net.ipv4.conf.all.rp_filter = %d, "
		    "its own %d)%s; loose mode accepts a SYN any route leads back to: "
		    "%ssysctl -w %s", in_dev, b->rp_filter, rp_words(b->rp_filter), b->rp_all,
		    b->rp_dev, other, b->prefix, wr_shell_quote(key, q, sizeof(q)));
}

void wr_route_back_words(struct wr_refusal *r)
{
	if (r->route_back.looked)
		way_back_hint(r);
	rp_filter_hint(r);
}
