/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The netfilter table evaluations in flight on this CPU, for the verdict
 * hooks (verdicts.bpf.c) and the kfree_skb handler (drops.bpf.c).
 *
 * nft_do_chain() frees a dropped packet itself, before it returns, so a
 * fexit/kretprobe comes too late for the kfree_skb event: entry hooks push
 * (skb, chain) here and the kfree_skb handler looks at the top. iptables
 * returns NF_DROP and nf_hook_slow() frees afterwards: the exit hooks store
 * that verdict by flow (`verdicts` map). Calls nest (a REJECT's answer runs
 * the output hooks from inside the verdict), hence a stack.
 */
#ifndef WR_NF_CALLS_BPF_H
#define WR_NF_CALLS_BPF_H

#include "syn.bpf.h"

#define WR_NF_STACK 4

struct wr_nf_call {
	__u64 skb;
	__u64 obj;		/* struct nft_chain * or struct xt_table * */
	__u64 state;		/* struct nf_hook_state * */
	__u64 backend;		/* enum wr_nf_backend */
};

struct wr_nf_stack {
	__u32 depth;
	__u32 pad;
	struct wr_nf_call calls[WR_NF_STACK];
};

struct wr_nf_calls_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wr_nf_stack);
};

WR_SHARED struct wr_nf_calls_map nf_calls SEC(".maps");

static __always_inline struct wr_nf_stack *wr_nf_stack(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&nf_calls, &zero);
}

static __always_inline void wr_nf_push(__u64 skb, __u64 obj, __u64 state, __u64 backend)
{
	struct wr_nf_stack *s = wr_nf_stack();
	__u32 d;

	if (!s)
		return;
	d = s->depth;
	if (d >= WR_NF_STACK) {
		s->depth = 0;	/* a lost return probe unbalanced it: start over */
		return;
	}
	s->calls[d] = (struct wr_nf_call){ skb, obj, state, backend };
	s->depth = d + 1;
}

/* The call returning now; its slot stays readable until the next push. */
static __always_inline struct wr_nf_call *wr_nf_pop(void)
{
	struct wr_nf_stack *s = wr_nf_stack();
	__u32 d;

	if (!s || !s->depth)
		return NULL;
	d = s->depth - 1;
	s->depth = d;
	if (d >= WR_NF_STACK)
		return NULL;
	return &s->calls[d];
}

/* The innermost call in flight, if it is evaluating `skb`. */
static __always_inline struct wr_nf_call *wr_nf_top(const struct sk_buff *skb)
{
	struct wr_nf_stack *s = wr_nf_stack();
	__u32 d;

	if (!s || !s->depth)
		return NULL;
	d = s->depth - 1;
	if (d >= WR_NF_STACK || s->calls[d].skb != (__u64)skb)
		return NULL;
	return &s->calls[d];
}

/*
 * Table and chain names of a call: nft names both; iptables the table only.
 *
 * struct nft_chain and struct xt_table live in the nf_tables and ip_tables
 * modules: on a kernel where netfilter is modular and not loaded when we
 * start, their BTF does not exist and libbpf turns each read into an
 * invalid instruction. The kfree_skb programs that reach this always load,
 * so every such read sits behind bpf_core_type_exists(): resolved to 0 at
 * load, the verifier never walks that branch. (Nothing can push a call
 * then: the verdict hooks need the module's functions.)
 */
static __always_inline void wr_nf_names(const struct wr_nf_call *c, __u8 *hook, char *table,
					char *chain)
{
	const struct nf_hook_state *state = (const struct nf_hook_state *)c->state;

	*hook = BPF_CORE_READ(state, hook);
	if (c->backend == WR_NF_NFTABLES) {
		const struct nft_chain *ch = (const struct nft_chain *)c->obj;

		if (!bpf_core_type_exists(struct nft_chain))
			return;
		bpf_probe_read_kernel_str(table, WR_NF_NAME_LEN, BPF_CORE_READ(ch, table, name));
		bpf_probe_read_kernel_str(chain, WR_NF_NAME_LEN, BPF_CORE_READ(ch, name));
	} else {
		const struct xt_table *t = (const struct xt_table *)c->obj;

		if (!bpf_core_type_exists(struct xt_table))
			return;
		/* The builtin chain follows from the hook (userspace names it). */
		bpf_probe_read_kernel_str(table, WR_NF_NAME_LEN,
					  __builtin_preserve_access_index(&t->name));
	}
}

#endif /* WR_NF_CALLS_BPF_H */
