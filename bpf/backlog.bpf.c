// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A SYN a listener dropped. When the accept queue is full, tcp_conn_request()
 * counts ListenOverflows and drops the SYN, which is then *consumed*, not
 * freed with a drop reason (even on 6.18). Without fentry/kprobes on
 * tcp_conn_request, it shows as an incoming SYN passed to consume_skb with
 * no SYN-ACK sent for it: replies.bpf.c notes every SYN-ACK on its CPU just
 * before the SYN is consumed there. Userspace names the listener and checks its queue.
 */
#include "syn.bpf.h"
#include <bpf/bpf_tracing.h>

#define WR_RTN_LOCAL	2		/* enum rtn_type: a route to one of our addresses */
#define WR_RTF_LOCAL	0x80000000	/* IPv6 route flag, the same meaning */
#define WR_SKB_DST_NOREF 1UL

/*
 * Was the SYN routed to this host (a listener could have taken it), not
 * forwarded? A namespace that forwards or DNATs a SYN to a container may
 * consume it too (the first SYN of a DNAT'ed flow is), and that is no
 * listener's drop. The route the SYN was given says which: local delivery
 * (RTN_LOCAL, RTF_LOCAL) or not; no route, not delivered here.
 */
static __always_inline bool wr_delivered_locally(const struct sk_buff *skb, __u8 family)
{
	unsigned long refdst = BPF_CORE_READ(skb, _skb_refdst) & ~WR_SKB_DST_NOREF;

	if (!refdst)
		return false;
	if (family == WR_AF_INET)
		return BPF_CORE_READ((struct rtable *)refdst, rt_type) == WR_RTN_LOCAL;
	return BPF_CORE_READ((struct rt6_info *)refdst, rt6i_flags) & WR_RTF_LOCAL;
}

/* tp_btf: the hot-path exit below is a plain load, not a probe read. */
SEC("tp_btf/consume_skb")
int BPF_PROG(consume_skb_unanswered, struct sk_buff *skb)
{
	struct wr_event ev = {};

	/* Hot path: most consumed skbs are not incoming. */
	ev.ifindex = skb->skb_iif;
	if (!ev.ifindex)
		return 0;
	if (wr_parse_syn_btf(skb, &ev.flow) || wr_mark_take(&synack_sent, &ev.flow) ||
	    !wr_delivered_locally(skb, ev.flow.family))
		return 0;
	/* Probe reads: no verifier BTF search at load (see wr_skb_netns_btf), rare. */
	ev.netns = wr_skb_netns(skb);
	ev.hdr.kind = WR_EV_UNANSWERED;
	ev.source = WR_SRC_CONSUME_SKB;
	wr_report(&ev);
	return 0;
}
