// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What netfilter sent back before it freed a SYN: a REJECT answers with a
 * TCP RST (nf_send_reset) or an ICMP/ICMPv6 unreachable (nf_send_unreach)
 * and then drops the SYN; a DROP sends nothing. Both are freed with
 * NETFILTER_DROP, so the answer is what tells them apart.
 *
 * net:net_dev_queue sees every packet leaving through a device, in every
 * network namespace, synchronously inside the REJECT. Answers are stored
 * under the flow of the SYN they answer; drops.bpf.c consumes them.
 *
 * SYN-ACKs are noted too, per CPU: a SYN a listener consumed without one
 * was dropped by the listener (backlog.bpf.c).
 */
#include "syn.bpf.h"
#include <bpf/bpf_tracing.h>

#define WR_IPPROTO_ICMP		1
#define WR_IPPROTO_ICMPV6	58
#define WR_ICMP_DEST_UNREACH	3
#define WR_ICMPV6_DEST_UNREACH	1

/*
 * An outgoing RST or SYN-ACK: the SYN it answers is the same flow reversed.
 * Returns 1 for a RST, 2 for a SYN-ACK, -1 for anything else.
 */
static __always_inline int wr_tcp_answer(const struct tcphdr *th, const struct wr_flow *out,
					 struct wr_flow *syn)
{
	int what;

	if (th->rst)
		what = 1;
	else if (th->syn && th->ack)
		what = 2;
	else
		return -1;
	syn->family = out->family;
	syn->saddr = out->daddr;
	syn->daddr = out->saddr;
	syn->sport = out->dport;
	syn->dport = out->sport;
	return what;
}

/* An ICMP error quotes the SYN's IP header and its first 8 TCP bytes. */
static __always_inline int wr_icmp_answer(const unsigned char *head, __u32 icmp_off, __u16 proto,
					  struct wr_flow *syn, struct wr_reply_val *r)
{
	struct { __u8 type, code; __u16 csum; __u32 unused; } icmp;
	struct tcphdr th;
	__u32 inner_off;

	if (bpf_probe_read_kernel(&icmp, sizeof(icmp), head + icmp_off))
		return -1;
	if (proto == bpf_htons(WR_ETH_P_IP) && icmp.type != WR_ICMP_DEST_UNREACH)
		return -1;
	if (proto == bpf_htons(WR_ETH_P_IPV6) && icmp.type != WR_ICMPV6_DEST_UNREACH)
		return -1;
	/* Fills the ports too: they are the quote's first bytes. */
	if (wr_read_ip(head, icmp_off + sizeof(icmp), proto, syn, &th, &inner_off) !=
	    WR_IPPROTO_TCP)
		return -1;
	r->reply = proto == bpf_htons(WR_ETH_P_IP) ? WR_REPLY_ICMP : WR_REPLY_ICMP6;
	r->icmp_type = icmp.type;
	r->icmp_code = icmp.code;
	return 0;
}

/*
 * Sent by a socket in a connected state (ESTABLISHED, SYN_SENT, FIN_WAIT1,
 * FIN_WAIT2, TIME_WAIT, CLOSE_WAIT, LAST_ACK, CLOSING): a client's SYN, data,
 * ACKs, FINs, none of them an answer to an incoming SYN. SYN-ACKs come from
 * request sockets or listeners, a stack RST from its control socket (CLOSE),
 * a firewall's answer from no socket at all.
 */
#define WR_CONNECTED_STATES \
	((1u << 1) | (1u << 2) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 8) | (1u << 9) | \
	 (1u << 11))

/*
 * tp_btf, not raw_tp: this runs for every packet sent, and the skb and
 * socket fields of the early exits are plain loads here, not probe reads.
 */
SEC("tp_btf/net_dev_queue")
int BPF_PROG(net_dev_queue_reply, struct sk_buff *skb)
{
	const struct sock *sk = skb->sk;
	struct wr_reply_val r = { .reply = WR_REPLY_TCP_RST };
	struct wr_flow_key key = {};
	struct wr_flow out = {};
	unsigned char *head;
	struct tcphdr th;
	__u16 nh, proto;
	__u32 l4_off;
	int l4, what;

	if (sk && (WR_CONNECTED_STATES >> (sk->__sk_common.skc_state & 31)) & 1)
		return 0;
	head = skb->head;
	nh = skb->network_header;
	proto = skb->protocol;
	if (nh == WR_NO_HEADER)
		return 0;
	l4 = wr_read_ip(head, nh, proto, &out, &th, &l4_off);
	if (l4 == WR_IPPROTO_TCP) {
		what = wr_tcp_answer(&th, &out, &key.flow);
		if (what < 0)
			return 0;
		if (what == 2) {
			wr_mark(&synack_sent, &key.flow);
			return 0;
		}
		/* The stack's own no-socket RST: the reset hook reported that SYN. */
		if (wr_mark_take(&own_rst, &key.flow))
			return 0;
	} else if (l4 == WR_IPPROTO_ICMP || l4 == WR_IPPROTO_ICMPV6) {
		if (wr_icmp_answer(head, l4_off, proto, &key.flow, &r))
			return 0;
	} else {
		return 0;
	}
	/* A firewall's answer, rare: probe reads, no verifier BTF search (syn.bpf.h). */
	key.netns = wr_skb_netns(skb);
	wr_client_side(&key.flow);
	r.ts_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&replies, &key, &r, BPF_ANY);
	return 0;
}
