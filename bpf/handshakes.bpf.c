// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A handshake that never completed: the listener answered a SYN, resent its
 * SYN-ACK (on its timer, or for the client's retransmitted SYN), and the
 * client's ACK never came. tcp:tcp_retransmit_synack fires only for a
 * resent SYN-ACK (tcp_rtx_synack(), 4.16+), never for a connection that
 * completes: nothing runs per accepted connection.
 *
 * The tracepoint runs before inet_rtx_syn_ack() counts the retransmission
 * in req->num_retrans, so this one is num_retrans + 1. One report per
 * handshake, at the synack_report_at-th retransmission (one lost answer is
 * ordinary loss; two in a row, ~3 s, is a path that loses them); the
 * others are counted (WR_CNT_SYNACK_RTX). A request whose ACK came
 * (inet_rsk(req)->acked: the accept queue was full, or TCP_DEFER_ACCEPT
 * waits for data) is resent too, but that is the listener's, not the path's.
 */
#include "syn.bpf.h"
#include <bpf/bpf_tracing.h>

/* The request's remote side is the client: the flow's source. 0, or -1 for no flow. */
static __always_inline int wr_req_flow(const struct request_sock *req, struct wr_flow *f)
{
	const __u32 *m;

	f->family = BPF_CORE_READ(req, __req_common.skc_family);
	if (f->family == WR_AF_INET6) {
		BPF_CORE_READ_INTO(&f->saddr.v6, req, __req_common.skc_v6_daddr);
		BPF_CORE_READ_INTO(&f->daddr.v6, req, __req_common.skc_v6_rcv_saddr);
		/* An IPv4 SYN on a dual-stack listener: the request is the listener's family. */
		m = (const __u32 *)f->saddr.v6;
		if (m[0] || m[1] || m[2] != bpf_htonl(0xffff))
			goto ports;
		__builtin_memset(&f->saddr, 0, sizeof(f->saddr));
		__builtin_memset(&f->daddr, 0, sizeof(f->daddr));
		f->family = WR_AF_INET;
	}
	if (f->family != WR_AF_INET)
		return -1;
	f->saddr.v4 = BPF_CORE_READ(req, __req_common.skc_daddr);
	f->daddr.v4 = BPF_CORE_READ(req, __req_common.skc_rcv_saddr);
ports:
	f->sport = bpf_ntohs(BPF_CORE_READ(req, __req_common.skc_dport));
	f->dport = BPF_CORE_READ(req, __req_common.skc_num);
	return 0;
}

static __always_inline int wr_synack_resent(const struct request_sock *req)
{
	const struct inet_request_sock *ireq = (const struct inet_request_sock *)req;
	struct wr_event ev;
	__u32 n;

	wr_count(WR_CNT_SYNACK_RTX);
	__builtin_memset(&ev, 0, sizeof(ev));
	if (wr_req_flow(req, &ev.flow))
		return 0;
	/*
	 * Resent for the client's retransmitted SYN, which is freed next on
	 * this CPU (with no drop reason that says so): drops.bpf.c takes this
	 * note and leaves that SYN alone, as it does with replies.bpf.c's.
	 */
	wr_mark(&synack_sent, &ev.flow);
	n = (__u32)BPF_CORE_READ(req, num_retrans) + 1;
	if (n != synack_report_at || BPF_CORE_READ_BITFIELD_PROBED(ireq, acked))
		return 0;
	ev.netns = BPF_CORE_READ(req, __req_common.skc_net.net, ns.inum);
	/* ir_iif: the SYN's interface where the listener is bound to one (else 0). */
	ev.ifindex = BPF_CORE_READ(req, __req_common.skc_bound_dev_if);
	ev.hdr.kind = WR_EV_HANDSHAKE;
	ev.source = WR_SRC_SYNACK_RTX;
	ev.synack_rtx = n;
	wr_report(&ev);
	return 0;
}

SEC("tp_btf/tcp_retransmit_synack")
int BPF_PROG(synack_retransmitted, const struct sock *sk, const struct request_sock *req)
{
	return wr_synack_resent(req);
}
