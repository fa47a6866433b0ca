/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nftables tracing for chosen flows only, in one network namespace: a table
 * of our own ("inet whyrefused_<pid>", owned by our netlink socket, so the kernel
 * deletes it when the socket closes, even on SIGKILL) with one base chain
 * at the earliest prerouting priority holding one `meta nftrace set 1` rule
 * per flow, and a socket subscribed to NFNLGRP_NFTRACE. Setting nftrace
 * changes no verdict.
 */
#ifndef WR_NFT_FLOW_TRACE_H
#define WR_NFT_FLOW_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "netns.h"

#define WR_TRACE_CHAIN "trace"

/* A flow to trace: client address -> server address:port (any client port). */
struct wr_trace_flow {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t saddr[16], daddr[16];
	uint16_t dport;
	char dev[16];		/* the interface it came in on ("": unknown) */
};

#define WR_TRACE_DEVS 8		/* ingress chains, one per interface of a traced flow */

struct wr_nft_tracer {
	char table[32];		/* "whyrefused_<pid>": tracers side by side do not collide */
	struct mnl_socket *ctl;	/* owns the table */
	struct mnl_socket *mon;	/* receives NFT_MSG_TRACE */
	uint32_t seq;
	char devs[WR_TRACE_DEVS][16];	/* the ingress chains made so far */
	size_t n_devs;
};

/* Opens both sockets inside `ns`. 0, or -errno with `err` set. */
int wr_nft_tracer_open(struct wr_nft_tracer *t, const struct wr_netns *ns, const char *table,
		       char *err, size_t errlen);
/* Makes the chain trace exactly these flows (one atomic batch). */
int wr_nft_tracer_set_flows(struct wr_nft_tracer *t, const struct wr_trace_flow *flows,
			    size_t n, char *err, size_t errlen);
/* The socket to read trace messages from (non-blocking). */
int wr_nft_tracer_fd(const struct wr_nft_tracer *t);
/* Closes both sockets: the kernel removes the table. */
void wr_nft_tracer_close(struct wr_nft_tracer *t);

#endif /* WR_NFT_FLOW_TRACE_H */
