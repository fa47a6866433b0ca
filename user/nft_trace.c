// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nft_trace.h"

#include <arpa/inet.h>
#include <libnftnl/trace.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which pulls linux/in.h */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static void copy_str(const struct nftnl_trace *nt, uint16_t attr, char *dst, size_t len)
{
	const char *s = nftnl_trace_is_set(nt, attr) ? nftnl_trace_get_str(nt, attr) : NULL;

	snprintf(dst, len, "%s", s ? s : "");
}

/* Addresses and ports of the traced packet, from its raw headers. */
static void decode_flow(const struct nftnl_trace *nt, struct wr_nft_trace *t)
{
	const uint8_t *nh, *th;
	uint32_t nlen = 0, tlen = 0;
	size_t l4 = 0;

	if (!nftnl_trace_is_set(nt, NFTNL_TRACE_NETWORK_HEADER) ||
	    !nftnl_trace_is_set(nt, NFTNL_TRACE_TRANSPORT_HEADER))
		return;
	nh = nftnl_trace_get_data(nt, NFTNL_TRACE_NETWORK_HEADER, &nlen);
	th = nftnl_trace_get_data(nt, NFTNL_TRACE_TRANSPORT_HEADER, &tlen);
	if (!nh || !th || nlen < 1 || tlen < 4)
		return;
	if (nh[0] >> 4 == 4 && nlen >= 20 && nh[9] == IPPROTO_TCP) {
		t->ip_family = AF_INET;
		memcpy(t->saddr, nh + 12, 4);
		memcpy(t->daddr, nh + 16, 4);
		l4 = 1;
	} else if (nh[0] >> 4 == 6 && nlen >= 40) {
		t->ip_family = AF_INET6;
		memcpy(t->saddr, nh + 8, 16);
		memcpy(t->daddr, nh + 24, 16);
		l4 = 1;
	}
	if (!l4)
		return;
	t->sport = (uint16_t)(th[0] << 8 | th[1]);
	t->dport = (uint16_t)(th[2] << 8 | th[3]);
	t->has_flow = true;
}

int wr_nft_trace_decode(const struct nlmsghdr *nlh, struct wr_nft_trace *t)
{
	struct nftnl_trace *nt;

	memset(t, 0, sizeof(*t));
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nfgenmsg)) ||
	    nlh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE))
		return -1;
	nt = nftnl_trace_alloc();
	if (!nt)
		return -1;
	if (nftnl_trace_nlmsg_parse(nlh, nt) < 0) {
		nftnl_trace_free(nt);
		return -1;
	}
	t->id = nftnl_trace_get_u32(nt, NFTNL_TRACE_ID);
	t->type = nftnl_trace_get_u32(nt, NFTNL_TRACE_TYPE);
	t->family = nftnl_trace_get_u32(nt, NFTNL_TRACE_FAMILY);
	copy_str(nt, NFTNL_TRACE_TABLE, t->table, sizeof(t->table));
	copy_str(nt, NFTNL_TRACE_CHAIN, t->chain, sizeof(t->chain));
	copy_str(nt, NFTNL_TRACE_JUMP_TARGET, t->jump, sizeof(t->jump));
	if (nftnl_trace_is_set(nt, NFTNL_TRACE_RULE_HANDLE))
		t->handle = nftnl_trace_get_u64(nt, NFTNL_TRACE_RULE_HANDLE);
	t->verdict = nftnl_trace_is_set(nt, NFTNL_TRACE_VERDICT) ?
		     (int32_t)nftnl_trace_get_u32(nt, NFTNL_TRACE_VERDICT) :
		     (int32_t)nftnl_trace_get_u32(nt, NFTNL_TRACE_POLICY);
	decode_flow(nt, t);
	nftnl_trace_free(nt);
	return 0;
}

const char *wr_nft_verdict_name(const struct wr_nft_trace *t, char *buf, size_t len)
{
	switch (t->verdict) {
	case NF_DROP:
		return "drop";
	case NF_ACCEPT:
		return "accept";
	case NFT_JUMP:
		snprintf(buf, len, "jump %s", t->jump);
		return buf;
	case NFT_GOTO:
		snprintf(buf, len, "goto %s", t->jump);
		return buf;
	case NFT_RETURN:
		return "return";
	case NFT_CONTINUE:
		return "continue";
	default:
		snprintf(buf, len, "verdict %d", t->verdict);
		return buf;
	}
}
