// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Which netfilter table dropped a SYN, on the first refusal: the functions
 * that evaluate a table name it in their arguments.
 *
 *   nft_do_chain(pkt, chain)          nftables and iptables-nft: table, base chain
 *   ipt_do_table(table, skb, state)   iptables-legacy (5.16+ argument order)
 *   ip6t_do_table(table, skb, state)  ip6tables-legacy
 *
 * Entry hooks push the call (nf_calls.bpf.h); exit hooks pop it and, for
 * NF_DROP on an incoming SYN, store the verdict by flow for the kfree_skb
 * handler, which also looks at calls still in flight (nft frees inside).
 * fentry/fexit where the kernel allows them, else kprobe/kretprobe.
 */
#include "nf_calls.bpf.h"
#include <bpf/bpf_tracing.h>

#define WR_NF_DROP		0
#define WR_NF_VERDICT_MASK	0xff

static __always_inline void wr_nf_return(unsigned int verdict)
{
	struct wr_nf_call *c = wr_nf_pop();
	const struct sk_buff *skb;
	struct wr_flow_key key = {};
	struct wr_verdict_val v = {};

	if (!c || (verdict & WR_NF_VERDICT_MASK) != WR_NF_DROP)
		return;
	skb = (const struct sk_buff *)c->skb;
	if (!BPF_CORE_READ(skb, skb_iif) || wr_parse_syn(skb, &key.flow))
		return;
	key.netns = wr_skb_netns(skb);
	v.ts_ns = bpf_ktime_get_ns();
	v.backend = c->backend;
	wr_nf_names(c, &v.hook, v.table, v.chain);
	bpf_map_update_elem(&verdicts, &key, &v, BPF_ANY);
}

static __always_inline void wr_nft_enter(const struct nft_pktinfo *pkt, const void *chain)
{
	wr_nf_push((__u64)BPF_CORE_READ(pkt, skb), (__u64)chain, (__u64)BPF_CORE_READ(pkt, state),
		   WR_NF_NFTABLES);
}

SEC("fentry/nft_do_chain")
int BPF_PROG(fentry_nft_do_chain, const struct nft_pktinfo *pkt, const void *chain)
{
	wr_nft_enter(pkt, chain);
	return 0;
}

SEC("fexit/nft_do_chain")
int BPF_PROG(fexit_nft_do_chain, const void *pkt, const void *chain, unsigned int verdict)
{
	wr_nf_return(verdict);
	return 0;
}

SEC("fentry/ipt_do_table")
int BPF_PROG(fentry_ipt_do_table, const void *table, const void *skb, const void *state)
{
	wr_nf_push((__u64)skb, (__u64)table, (__u64)state, WR_NF_IPTABLES);
	return 0;
}

SEC("fexit/ipt_do_table")
int BPF_PROG(fexit_ipt_do_table, const void *table, const void *skb, const void *state,
	     unsigned int verdict)
{
	wr_nf_return(verdict);
	return 0;
}

SEC("fentry/ip6t_do_table")
int BPF_PROG(fentry_ip6t_do_table, const void *table, const void *skb, const void *state)
{
	wr_nf_push((__u64)skb, (__u64)table, (__u64)state, WR_NF_IPTABLES);
	return 0;
}

SEC("fexit/ip6t_do_table")
int BPF_PROG(fexit_ip6t_do_table, const void *table, const void *skb, const void *state,
	     unsigned int verdict)
{
	wr_nf_return(verdict);
	return 0;
}

SEC("kprobe/nft_do_chain")
int BPF_KPROBE(kprobe_nft_do_chain, const struct nft_pktinfo *pkt, const void *chain)
{
	wr_nft_enter(pkt, chain);
	return 0;
}

SEC("kretprobe/nft_do_chain")
int BPF_KRETPROBE(kretprobe_nft_do_chain, unsigned int verdict)
{
	wr_nf_return(verdict);
	return 0;
}

SEC("kprobe/ipt_do_table")
int BPF_KPROBE(kprobe_ipt_do_table, void *table, void *skb, void *state)
{
	wr_nf_push((__u64)skb, (__u64)table, (__u64)state, WR_NF_IPTABLES);
	return 0;
}

SEC("kretprobe/ipt_do_table")
int BPF_KRETPROBE(kretprobe_ipt_do_table, unsigned int verdict)
{
	wr_nf_return(verdict);
	return 0;
}

SEC("kprobe/ip6t_do_table")
int BPF_KPROBE(kprobe_ip6t_do_table, void *table, void *skb, void *state)
{
	wr_nf_push((__u64)skb, (__u64)table, (__u64)state, WR_NF_IPTABLES);
	return 0;
}

SEC("kretprobe/ip6t_do_table")
int BPF_KRETPROBE(kretprobe_ip6t_do_table, unsigned int verdict)
{
	wr_nf_return(verdict);
	return 0;
}
