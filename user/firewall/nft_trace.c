// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nft_trace.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
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

/* A string attribute that ends inside itself, as the kernel's nla_put_string() writes it. */
static bool nul_string(const struct nlattr *a)
{
	uint16_t n = mnl_attr_get_payload_len(a);

	return n && memchr(mnl_attr_get_payload(a), '\0', n);
}

struct trace_check {
	bool id, type;			/* libnftnl exit()s without them */
	bool code, chain;		/* in a verdict */
	uint32_t verdict;
};

static int verdict_attr(const struct nlattr *a, void *data)
{
	struct trace_check *c = data;
	uint32_t v;

	if (mnl_attr_get_type(a) == NFTA_VERDICT_CODE) {
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
		c->verdict = ntohl(v);
		c->code = true;
	} else if (mnl_attr_get_type(a) == NFTA_VERDICT_CHAIN) {
		if (!nul_string(a))
			return MNL_CB_ERROR;
		c->chain = true;
	}
	return MNL_CB_OK;
}

static bool verdict_ok(const struct nlattr *nest)
{
	struct trace_check c = { 0 };

	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(nest, verdict_attr, &c) < 0 || !c.code)
		return false;
	return (c.verdict != (uint32_t)NFT_JUMP && c.verdict != (uint32_t)NFT_GOTO) || c.chain;
}

static int trace_attr(const struct nlattr *a, void *data)
{
	struct trace_check *c = data;
	bool ok;

	switch (mnl_attr_get_type(a)) {
	case NFTA_TRACE_TABLE:
	case NFTA_TRACE_CHAIN:
		ok = nul_string(a);
		break;
	case NFTA_TRACE_VERDICT:
		ok = verdict_ok(a);
		break;
	case NFTA_TRACE_RULE_HANDLE:
		ok = mnl_attr_validate(a, MNL_TYPE_U64) >= 0;
		break;
	case NFTA_TRACE_IIFTYPE:
	case NFTA_TRACE_OIFTYPE:
		ok = mnl_attr_validate(a, MNL_TYPE_U16) >= 0;
		break;
	case NFTA_TRACE_ID:
	case NFTA_TRACE_TYPE:
	case NFTA_TRACE_IIF:
	case NFTA_TRACE_OIF:
	case NFTA_TRACE_MARK:
	case NFTA_TRACE_NFPROTO:
	case NFTA_TRACE_POLICY:
		ok = mnl_attr_validate(a, MNL_TYPE_U32) >= 0;
		break;
	case NFTA_TRACE_LL_HEADER:
	case NFTA_TRACE_NETWORK_HEADER:
	case NFTA_TRACE_TRANSPORT_HEADER:
		ok = mnl_attr_get_payload_len(a) > 0;
		break;
	default:
		ok = true;
	}
	c->id |= mnl_attr_get_type(a) == NFTA_TRACE_ID;
	c->type |= mnl_attr_get_type(a) == NFTA_TRACE_TYPE;
	return ok ? MNL_CB_OK : MNL_CB_ERROR;
}

/*
 * libnftnl (1.2.4) exit()s the process on an attribute of the wrong size,
 * strdup()s table and chain names without checking that they end inside
 * the message, and reads a jump's chain from an uninitialized array when
 * the verdict has none. The kernel sends none of these; what does is
 * refused here, walked as libnftnl walks it (tests/fuzz/fuzz_nft_trace.c).
 */
static bool well_formed(const struct nlmsghdr *nlh)
{
	struct trace_check c = { 0 };

	return mnl_attr_parse(nlh, sizeof(struct nfgenmsg), trace_attr, &c) >= 0 && c.id && c.type;
}

int wr_nft_trace_decode(const struct nlmsghdr *nlh, struct wr_nft_trace *t)
{
	struct nftnl_trace *nt;

	memset(t, 0, sizeof(*t));
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nfgenmsg)) ||
	    nlh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE) || !well_formed(nlh))
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
