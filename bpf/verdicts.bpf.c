// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Which netfilter table dropped a SYN, on the first refusal: the functions
 * that evaluate a table return its verdict, and their arguments name it.
 *
 *   nft_do_chain(pkt, chain)         nftables and iptables-nft: table, base chain
 *   ipt_do_table(table, skb, state)  iptables-legacy (5.16+ argument order)
 *   ip6t_do_table(table, skb, state) ip6tables-legacy
 *
 * On NF_DROP for an incoming SYN the verdict is stored by flow; the
 * kfree_skb handler (drops.bpf.c) attaches it to the event a moment later.
 * fexit gives arguments and return value together. kprobes cannot: the
 * kprobe keeps the arguments on a small per-CPU stack (a REJECT sends its
 * answer from inside the verdict, so calls nest) and the kretprobe pops
 * them with the verdict.
 */
#include "syn.bpf.h"
#include <bpf/bpf_tracing.h>

#define WR_NF_DROP		0
#define WR_NF_VERDICT_MASK	0xff
#define WR_NF_STACK		4

static __always_inline void wr_note_verdict(const struct sk_buff *skb, __u32 verdict,
					    __u8 backend, __u8 hook, const char *table,
					    const char *chain)
{
	struct wr_flow_key key = {};
	struct wr_verdict_val v = {};

	if ((verdict & WR_NF_VERDICT_MASK) != WR_NF_DROP)
		return;
	if (!BPF_CORE_READ(skb, skb_iif) || wr_parse_syn(skb, &key.flow))
		return;
	key.netns = wr_skb_netns(skb);
	v.ts_ns = bpf_ktime_get_ns();
	v.backend = backend;
	v.hook = hook;
	bpf_probe_read_kernel_str(v.table, sizeof(v.table), table);
	if (chain)	/* iptables: the hook names the builtin chain (userspace) */
		bpf_probe_read_kernel_str(v.chain, sizeof(v.chain), chain);
	bpf_map_update_elem(&verdicts, &key, &v, BPF_ANY);
}

static __always_inline void wr_nft_verdict(const struct nft_pktinfo *pkt,
					   const struct nft_chain *chain, __u32 verdict)
{
	const struct sk_buff *skb = BPF_CORE_READ(pkt, skb);

	wr_note_verdict(skb, verdict, WR_NF_NFTABLES, BPF_CORE_READ(pkt, state, hook),
			BPF_CORE_READ(chain, table, name), BPF_CORE_READ(chain, name));
}

static __always_inline void wr_xt_verdict(const struct xt_table *table, const struct sk_buff *skb,
					  const struct nf_hook_state *state, __u32 verdict)
{
	/* The builtin chain of the hook: user chains are named by counters. */
	wr_note_verdict(skb, verdict, WR_NF_IPTABLES, BPF_CORE_READ(state, hook),
			(const char *)__builtin_preserve_access_index(&table->name), NULL);
}

SEC("fexit/nft_do_chain")
int BPF_PROG(fexit_nft_do_chain, const struct nft_pktinfo *pkt, const struct nft_chain *chain,
	     unsigned int verdict)
{
	wr_nft_verdict(pkt, chain, verdict);
	return 0;
}

SEC("fexit/ipt_do_table")
int BPF_PROG(fexit_ipt_do_table, const struct xt_table *table, const struct sk_buff *skb,
	     const struct nf_hook_state *state, unsigned int verdict)
{
	wr_xt_verdict(table, skb, state, verdict);
	return 0;
}

SEC("fexit/ip6t_do_table")
int BPF_PROG(fexit_ip6t_do_table, const struct xt_table *table, const struct sk_buff *skb,
	     const struct nf_hook_state *state, unsigned int verdict)
{
	wr_xt_verdict(table, skb, state, verdict);
	return 0;
}

/* kprobe + kretprobe: the arguments of the calls in flight on this CPU. */
struct wr_nf_call {
	__u64 arg[3];
};

struct wr_nf_stack {
	__u32 depth;
	__u32 pad;
	struct wr_nf_call calls[WR_NF_STACK];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wr_nf_stack);
} nf_calls SEC(".maps");

static __always_inline void wr_push(__u64 a0, __u64 a1, __u64 a2)
{
	__u32 zero = 0;
	struct wr_nf_stack *s = bpf_map_lookup_elem(&nf_calls, &zero);
	__u32 d;

	if (!s)
		return;
	d = s->depth;
	if (d >= WR_NF_STACK) {
		s->depth = 0;	/* a lost kretprobe unbalanced it: start over */
		return;
	}
	s->calls[d].arg[0] = a0;
	s->calls[d].arg[1] = a1;
	s->calls[d].arg[2] = a2;
	s->depth = d + 1;
}

static __always_inline struct wr_nf_call *wr_pop(void)
{
	__u32 zero = 0;
	struct wr_nf_stack *s = bpf_map_lookup_elem(&nf_calls, &zero);
	__u32 d;

	if (!s || !s->depth)
		return NULL;
	d = s->depth - 1;
	s->depth = d;
	if (d >= WR_NF_STACK)
		return NULL;
	return &s->calls[d];
}

SEC("kprobe/nft_do_chain")
int BPF_KPROBE(kprobe_nft_do_chain, void *pkt, void *chain)
{
	wr_push((__u64)pkt, (__u64)chain, 0);
	return 0;
}

SEC("kretprobe/nft_do_chain")
int BPF_KRETPROBE(kretprobe_nft_do_chain, unsigned int verdict)
{
	struct wr_nf_call *c = wr_pop();

	if (c)
		wr_nft_verdict((const struct nft_pktinfo *)c->arg[0],
			       (const struct nft_chain *)c->arg[1], verdict);
	return 0;
}

static __always_inline void wr_xt_ret(unsigned int verdict)
{
	struct wr_nf_call *c = wr_pop();

	if (c)
		wr_xt_verdict((const struct xt_table *)c->arg[0], (const struct sk_buff *)c->arg[1],
			      (const struct nf_hook_state *)c->arg[2], verdict);
}

SEC("kprobe/ipt_do_table")
int BPF_KPROBE(kprobe_ipt_do_table, void *table, void *skb, void *state)
{
	wr_push((__u64)table, (__u64)skb, (__u64)state);
	return 0;
}

SEC("kretprobe/ipt_do_table")
int BPF_KRETPROBE(kretprobe_ipt_do_table, unsigned int verdict)
{
	wr_xt_ret(verdict);
	return 0;
}

SEC("kprobe/ip6t_do_table")
int BPF_KPROBE(kprobe_ip6t_do_table, void *table, void *skb, void *state)
{
	wr_push((__u64)table, (__u64)skb, (__u64)state);
	return 0;
}

SEC("kretprobe/ip6t_do_table")
int BPF_KRETPROBE(kretprobe_ip6t_do_table, unsigned int verdict)
{
	wr_xt_ret(verdict);
	return 0;
}
