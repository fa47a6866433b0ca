/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One NFT_MSG_TRACE message (NFNLGRP_NFTRACE) decoded: which table, chain
 * and rule gave which verdict to which packet. Pure: tested on messages
 * shaped like the kernel's (net/netfilter/nf_tables_trace.c).
 */
#ifndef WR_NFT_TRACE_H
#define WR_NFT_TRACE_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wr_nft_trace {
	uint32_t id;		/* same for every message about one packet */
	uint32_t type;		/* NFT_TRACETYPE_RULE, _POLICY, _RETURN */
	uint32_t family;	/* the table's family: NFPROTO_INET, _IPV4, ... */
	char table[256];	/* NFT_NAME_MAXLEN: a name is never cut */
	char chain[256];
	uint64_t handle;	/* the rule; 0 for a policy */
	int32_t verdict;	/* NF_DROP, NF_ACCEPT, NFT_JUMP, ... */
	char jump[256];		/* jump/goto target */
	/* The packet, from the network and transport headers in the message. */
	bool has_flow;
	int ip_family;		/* AF_INET or AF_INET6 */
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
};

/* 0 when `nlh` is an NFT_MSG_TRACE message and was decoded, -1 otherwise. */
int wr_nft_trace_decode(const struct nlmsghdr *nlh, struct wr_nft_trace *t);
/* "drop", "accept", "jump X", "goto X", "return", "continue" */
const char *wr_nft_verdict_name(const struct wr_nft_trace *t, char *buf, size_t len);

#endif /* WR_NFT_TRACE_H */
