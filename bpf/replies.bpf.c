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
 * SYN-ACKs are noted too: a SYN a listener consumed without one was dropped
 * by the listener (backlog.bpf.c).
 */
#include "syn.bpf.h"

#define WR_IPPROTO_ICMP		1
#define WR_IPPROTO_ICMPV6	58
#define WR_ICMP_DEST_UNREACH	3
#define WR_ICMPV6_DEST_UNREACH	1

/*
 * An outgoing RST or SYN-ACK: the SYN it answers is the same flow reversed.
 * Returns 1 for a RST, 2 for a SYN-ACK, -1 for anything else.
 */
static __always_inline int wr_tcp_answer(const unsigned char *head, int th_off,
					 const struct wr_flow *out, struct wr_flow *syn)
{
	struct tcphdr th;
	int what;

	if (bpf_probe_read_kernel(&th, sizeof(th), head + th_off))
		return -1;
	if (th.rst)
		what = 1;
	else if (th.syn && th.ack)
		what = 2;
	else
		return -1;
	syn->family = out->family;
	syn->saddr = out->daddr;
	syn->daddr = out->saddr;
	syn->sport = bpf_ntohs(th.dest);
	syn->dport = bpf_ntohs(th.source);
	return what;
}

/* An ICMP error quotes the SYN's IP header and its first 8 TCP bytes. */
static __always_inline int wr_icmp_answer(const unsigned char *head, int icmp_off, __u16 proto,
					  struct wr_flow *syn, struct wr_reply_val *r)
{
	struct { __u8 type, code; __u16 csum; __u32 unused; } icmp;
	struct { __be16 source, dest; } ports;
	int inner;

	if (bpf_probe_read_kernel(&icmp, sizeof(icmp), head + icmp_off))
		return -1;
	if (proto == bpf_htons(WR_ETH_P_IP) && icmp.type != WR_ICMP_DEST_UNREACH)
		return -1;
	if (proto == bpf_htons(WR_ETH_P_IPV6) && icmp.type != WR_ICMPV6_DEST_UNREACH)
		return -1;
	inner = wr_read_ip(head, icmp_off + sizeof(icmp), proto, syn);
	if (inner < 0 || bpf_probe_read_kernel(&ports, sizeof(ports), head + inner))
		return -1;
	syn->sport = bpf_ntohs(ports.source);
	syn->dport = bpf_ntohs(ports.dest);
	r->reply = proto == bpf_htons(WR_ETH_P_IP) ? WR_REPLY_ICMP : WR_REPLY_ICMP6;
	r->icmp_type = icmp.type;
	r->icmp_code = icmp.code;
	return 0;
}

SEC("raw_tp/net_dev_queue")
int net_dev_queue_reply(struct bpf_raw_tracepoint_args *ctx)
{
	const struct sk_buff *skb = (const struct sk_buff *)ctx->args[0];
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 proto = BPF_CORE_READ(skb, protocol);
	struct wr_reply_val r = { .reply = WR_REPLY_TCP_RST };
	struct wr_flow_key key = {};
	struct wr_flow out = {};
	struct iphdr iph;
	struct ipv6hdr ip6h;
	__u8 l4;
	int off;

	if (nh == WR_NO_HEADER)
		return 0;
	/* Cheap exits first: this runs for every packet sent. */
	if (proto == bpf_htons(WR_ETH_P_IP)) {
		if (bpf_probe_read_kernel(&iph, sizeof(iph), head + nh) || iph.version != 4)
			return 0;
		l4 = iph.protocol;
		off = nh + iph.ihl * 4;
		out.family = WR_AF_INET;
		out.saddr.v4 = iph.saddr;
		out.daddr.v4 = iph.daddr;
	} else if (proto == bpf_htons(WR_ETH_P_IPV6)) {
		if (bpf_probe_read_kernel(&ip6h, sizeof(ip6h), head + nh) || ip6h.version != 6)
			return 0;
		l4 = ip6h.nexthdr;
		off = nh + sizeof(ip6h);
		out.family = WR_AF_INET6;
		__builtin_memcpy(out.saddr.v6, &ip6h.saddr, 16);
		__builtin_memcpy(out.daddr.v6, &ip6h.daddr, 16);
	} else {
		return 0;
	}

	if (l4 == WR_IPPROTO_TCP) {
		int what = wr_tcp_answer(head, off, &out, &key.flow);
		__u64 now;

		if (what < 0)
			return 0;
		if (what == 2) {
			key.netns = wr_skb_netns(skb);
			now = bpf_ktime_get_ns();
			bpf_map_update_elem(&synacks, &key, &now, BPF_ANY);
			return 0;
		}
	} else if (l4 == WR_IPPROTO_ICMP || l4 == WR_IPPROTO_ICMPV6) {
		if (wr_icmp_answer(head, off, proto, &key.flow, &r))
			return 0;
	} else {
		return 0;
	}
	key.netns = wr_skb_netns(skb);
	r.ts_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&replies, &key, &r, BPF_ANY);
	return 0;
}
