// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A REJECT's answer, at the function that sends it: every netfilter REJECT
 * (nft reject in the ip, ip6 and inet families, iptables -j REJECT) calls
 * nf_send_reset[6]() or nf_send_unreach[6]() with the SYN it answers; the
 * bridge and netdev families build theirs with nf_reject_skb_v4/v6_*().
 * They run only for a REJECT: nothing per packet or per connection, unlike
 * net_dev_queue, which sees the answer leave among every other packet.
 * The note is the one replies.bpf.c writes; drops.bpf.c reads it at the
 * SYN's free, microseconds later.
 *
 * kprobes: these live in nf_reject_ipv4/ipv6, modules on Debian's kernels,
 * loaded with the first REJECT rule; the loader attaches them then. Without
 * the module no REJECT can happen, so a drop is a drop.
 */
#include "syn.bpf.h"
#include <bpf/bpf_tracing.h>

#define WR_ICMP_DEST_UNREACH	3
#define WR_ICMPV6_DEST_UNREACH	1

static __always_inline int wr_note_reject(const struct sk_buff *skb, __u8 reply, __u8 code)
{
	struct wr_reply_val r = { .reply = reply, .icmp_code = code };
	struct wr_flow_key key = {};

	if (!skb || wr_parse_syn(skb, &key.flow))
		return 0;
	if (reply == WR_REPLY_ICMP)
		r.icmp_type = WR_ICMP_DEST_UNREACH;
	else if (reply == WR_REPLY_ICMP6)
		r.icmp_type = WR_ICMPV6_DEST_UNREACH;
	key.netns = wr_skb_netns(skb);
	wr_client_side(&key.flow);
	r.ts_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&replies, &key, &r, BPF_ANY);
	return 0;
}

/* void nf_send_reset(struct net *, struct sock *, struct sk_buff *oldskb, int hook) */
SEC("kprobe/nf_send_reset")
int BPF_KPROBE(kprobe_nf_send_reset, void *net, void *sk, struct sk_buff *oldskb)
{
	return wr_note_reject(oldskb, WR_REPLY_TCP_RST, 0);
}

SEC("kprobe/nf_send_reset6")
int BPF_KPROBE(kprobe_nf_send_reset6, void *net, void *sk, struct sk_buff *oldskb)
{
	return wr_note_reject(oldskb, WR_REPLY_TCP_RST, 0);
}

/* void nf_send_unreach(struct sk_buff *skb_in, int code, int hook) */
SEC("kprobe/nf_send_unreach")
int BPF_KPROBE(kprobe_nf_send_unreach, struct sk_buff *skb_in, int code)
{
	return wr_note_reject(skb_in, WR_REPLY_ICMP, (__u8)code);
}

/* void nf_send_unreach6(struct net *, struct sk_buff *skb_in, unsigned char code, unsigned int hooknum) */
SEC("kprobe/nf_send_unreach6")
int BPF_KPROBE(kprobe_nf_send_unreach6, void *net, struct sk_buff *skb_in, unsigned char code)
{
	return wr_note_reject(skb_in, WR_REPLY_ICMP6, code);
}

/* struct sk_buff *nf_reject_skb_v4_tcp_reset(struct net *, struct sk_buff *oldskb, ...) */
SEC("kprobe/nf_reject_skb_v4_tcp_reset")
int BPF_KPROBE(kprobe_nf_reject_skb_v4_tcp_reset, void *net, struct sk_buff *oldskb)
{
	return wr_note_reject(oldskb, WR_REPLY_TCP_RST, 0);
}

SEC("kprobe/nf_reject_skb_v6_tcp_reset")
int BPF_KPROBE(kprobe_nf_reject_skb_v6_tcp_reset, void *net, struct sk_buff *oldskb)
{
	return wr_note_reject(oldskb, WR_REPLY_TCP_RST, 0);
}

/* struct sk_buff *nf_reject_skb_v4_unreach(struct net *, struct sk_buff *oldskb,
 *					    const struct net_device *, int hook, u8 code) */
SEC("kprobe/nf_reject_skb_v4_unreach")
int BPF_KPROBE(kprobe_nf_reject_skb_v4_unreach, void *net, struct sk_buff *oldskb, void *dev,
	       int hook, __u8 code)
{
	return wr_note_reject(oldskb, WR_REPLY_ICMP, code);
}

SEC("kprobe/nf_reject_skb_v6_unreach")
int BPF_KPROBE(kprobe_nf_reject_skb_v6_unreach, void *net, struct sk_buff *oldskb, void *dev,
	       int hook, __u8 code)
{
	return wr_note_reject(oldskb, WR_REPLY_ICMP6, code);
}
