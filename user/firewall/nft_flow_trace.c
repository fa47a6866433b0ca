// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nft_flow_trace.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <limits.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which pulls linux/in.h */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nl_kernel.h"

/* Before conntrack, raw and every filter chain a ruleset may have. */
#define TRACE_PRIORITY (INT_MIN + 1)
#define MAX_BATCH (64 * 1024)

static struct mnl_socket *open_in(const struct wr_netns *ns, unsigned int groups)
{
	struct mnl_socket *nl;
	int fd = wr_netns_socket(ns, AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	nl = mnl_socket_fdopen(fd);
	if (!nl) {
		close(fd);
		return NULL;
	}
	if (mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

int wr_nft_tracer_open(struct wr_nft_tracer *t, const struct wr_netns *ns, const char *table,
		       char *err, size_t errlen)
{
	int e;

	memset(t, 0, sizeof(*t));
	snprintf(t->table, sizeof(t->table), "%s", table);
	t->ctl = open_in(ns, 0);
	if (t->ctl)
		t->mon = open_in(ns, 1U << (NFNLGRP_NFTRACE - 1));
	if (!t->ctl || !t->mon) {
		e = errno;
		snprintf(err, errlen, "cannot open a netfilter netlink socket in netns %u: %s",
			 ns->inode, strerror(e));
		wr_nft_tracer_close(t);
		return -e;
	}
	fcntl(mnl_socket_get_fd(t->mon), F_SETFL, O_NONBLOCK);
	t->seq = 1;
	return 0;
}

int wr_nft_tracer_fd(const struct wr_nft_tracer *t)
{
	return t->mon ? mnl_socket_get_fd(t->mon) : -1;
}

void wr_nft_tracer_close(struct wr_nft_tracer *t)
{
	if (t->mon)
		mnl_socket_close(t->mon);
	if (t->ctl)
		mnl_socket_close(t->ctl);
	memset(t, 0, sizeof(*t));
}

/* reg1 = meta key */
static void meta_load(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

/* reg1 = len bytes at off of the network or transport header */
static void payload_load(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

/* reg1 == data, or the rule stops here */
static void cmp_eq(struct nftnl_rule *r, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
}

/*
 * A netdev or inet ingress chain runs before every prerouting chain, ours
 * too: a flow is also traced from an ingress chain of ours on the interface
 * it came in on, so that a drop at ingress is named.
 */
static void ingress_chain_name(const char *dev, char *buf, size_t len)
{
	snprintf(buf, len, "%s_%s", WR_TRACE_CHAIN, dev);
}

/* meta nfproto ipvX meta l4proto tcp ip(6) saddr S ip(6) daddr D tcp dport P meta nftrace set 1 */
static struct nftnl_rule *flow_rule(const char *table, const char *chain,
				    const struct wr_trace_flow *f)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	uint8_t nfproto = f->family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4, tcp = IPPROTO_TCP;
	uint32_t alen = f->family == AF_INET6 ? 16 : 4;
	uint16_t port = htons(f->dport);
	struct nftnl_expr *e;

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	meta_load(r, NFT_META_NFPROTO);
	cmp_eq(r, &nfproto, 1);
	meta_load(r, NFT_META_L4PROTO);
	cmp_eq(r, &tcp, 1);
	payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, f->family == AF_INET6 ? 8 : 12, alen);
	cmp_eq(r, f->saddr, alen);
	payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, f->family == AF_INET6 ? 24 : 16, alen);
	cmp_eq(r, f->daddr, alen);
	payload_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	cmp_eq(r, &port, 2);
	e = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set_u8(e, NFTNL_EXPR_IMM_DATA, 1);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("meta");
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_NFTRACE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	return r;
}

static void put_table(struct mnl_nlmsg_batch *b, uint32_t seq, const char *table)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	/* Owned by our socket: gone when it closes, however we exit. */
	nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, NFT_TABLE_F_OWNER);
	nlh = nftnl_table_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWTABLE,
					  NFPROTO_INET, NLM_F_CREATE | NLM_F_ACK, seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	mnl_nlmsg_batch_next(b);
}

/* Our prerouting chain, or (dev set) our ingress chain on that interface. */
static void put_chain(struct mnl_nlmsg_batch *b, uint32_t seq, const char *table, const char *dev)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	char name[48];

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	if (dev) {
		ingress_chain_name(dev, name, sizeof(name));
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
		nftnl_chain_set_str(c, NFTNL_CHAIN_DEV, dev);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_INGRESS);
	} else {
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, WR_TRACE_CHAIN);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_PRE_ROUTING);
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, TRACE_PRIORITY);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = nftnl_chain_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWCHAIN,
					  NFPROTO_INET, NLM_F_CREATE | NLM_F_ACK, seq);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	mnl_nlmsg_batch_next(b);
}

/* Deletes every rule of one of our chains. */
static void put_flush(struct mnl_nlmsg_batch *b, uint32_t seq, const char *table,
		      const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nlh = nftnl_rule_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_DELRULE,
					 NFPROTO_INET, NLM_F_ACK, seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	mnl_nlmsg_batch_next(b);
}

static void put_rule(struct mnl_nlmsg_batch *b, uint32_t seq, const char *table,
		     const char *chain, const struct wr_trace_flow *f)
{
	struct nftnl_rule *r = flow_rule(table, chain, f);
	struct nlmsghdr *nlh;

	nlh = nftnl_rule_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWRULE,
					 NFPROTO_INET, NLM_F_APPEND | NLM_F_CREATE | NLM_F_ACK, seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	mnl_nlmsg_batch_next(b);
}

/* Reads acks until every message up to `last` is acknowledged, or an error. */
static int wait_acks(struct wr_nft_tracer *t, uint32_t first, uint32_t last)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t portid = mnl_socket_get_portid(t->ctl);
	uint32_t acked = 0, want = last - first + 1;

	while (acked < want) {
		/* The kernel's acks only: anyone in the namespace may write to this socket. */
		ssize_t n = wr_nl_recv_kernel(mnl_socket_get_fd(t->ctl), buf, sizeof(buf), 0);
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		int rem = (int)n;

		if (n < 0)
			return -errno;
		/* NLMSG_OK: mnl_nlmsg_ok() lets an nlmsg_len >= 2^31 walk off the buffer. */
		for (; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
			const struct nlmsgerr *e;

			if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_pid != portid)
				continue;
			e = mnl_nlmsg_get_payload(h);
			if (e->error)
				return e->error;
			acked++;
		}
	}
	return 0;
}

int wr_nft_tracer_set_flows(struct wr_nft_tracer *t, const struct wr_trace_flow *flows,
			    size_t n, char *err, size_t errlen)
{
	static char buf[MAX_BATCH];
	struct mnl_nlmsg_batch *b = mnl_nlmsg_batch_start(buf, sizeof(buf));
	uint32_t first, e;
	int ret;
	size_t i;

	nftnl_batch_begin(mnl_nlmsg_batch_current(b), t->seq++);
	mnl_nlmsg_batch_next(b);
	first = t->seq;
	put_table(b, t->seq++, t->table);
	put_chain(b, t->seq++, t->table, NULL);
	put_flush(b, t->seq++, t->table, WR_TRACE_CHAIN);
	for (i = 0; i < n; i++)
		put_rule(b, t->seq++, t->table, WR_TRACE_CHAIN, &flows[i]);
	/* The interfaces the flows came in on get an ingress chain each, kept once made. */
	for (i = 0; i < n; i++) {
		size_t d;

		for (d = 0; d < t->n_devs && strcmp(t->devs[d], flows[i].dev); d++)
			;
		if (flows[i].dev[0] && d == t->n_devs && t->n_devs < WR_TRACE_DEVS)
			snprintf(t->devs[t->n_devs++], sizeof(t->devs[0]), "%s", flows[i].dev);
	}
	for (size_t d = 0; d < t->n_devs; d++) {
		char chain[48];

		ingress_chain_name(t->devs[d], chain, sizeof(chain));
		put_chain(b, t->seq++, t->table, t->devs[d]);
		put_flush(b, t->seq++, t->table, chain);
		for (i = 0; i < n; i++)
			if (!strcmp(flows[i].dev, t->devs[d]))
				put_rule(b, t->seq++, t->table, chain, &flows[i]);
	}
	e = t->seq - 1;
	nftnl_batch_end(mnl_nlmsg_batch_current(b), t->seq++);
	mnl_nlmsg_batch_next(b);

	ret = mnl_socket_sendto(t->ctl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b)) < 0 ?
	      -errno : wait_acks(t, first, e);
	mnl_nlmsg_batch_stop(b);
	if (ret)
		snprintf(err, errlen, "cannot install the nftables trace rules: %s", strerror(-ret));
	return ret;
}
