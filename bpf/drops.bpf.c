// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * An incoming SYN freed with a drop reason: skb:kfree_skb(skb, location,
 * reason[, rx_sk]). NETFILTER_DROP is a firewall rule (DROP or REJECT: a
 * REJECT's answer was recorded by replies.bpf.c or icmp_replies.bpf.c just
 * before the free);
 * NO_SOCKET is the no-listener fallback where tcp_send_reset cannot be used;
 * TCP_LISTEN_OVERFLOW (6.15+) is the handshake's final ACK finding the accept
 * queue full, the one non-SYN segment reported; anything else is another
 * kernel drop.
 *
 * The tracepoint gained rx_sk in 6.11. A program may not read past the
 * tracepoint's arguments, so there are two variants and the loader keeps
 * the one matching btf_trace_kfree_skb.
 */
#include "nf_calls.bpf.h"
#include <bpf/bpf_tracing.h>

static __always_inline void wr_attach_reply(struct wr_event *ev)
{
	struct wr_flow_key key = { .flow = ev->flow, .netns = ev->netns };
	struct wr_reply_val *r;

	wr_client_side(&key.flow);	/* NAT may have rewritten the answer's server side */
	r = bpf_map_lookup_elem(&replies, &key);
	/* The answer is sent synchronously, microseconds before the free. */
	if (!r || ev->hdr.ts_ns - r->ts_ns > 1000000000ULL)
		return;
	ev->reply = r->reply;
	ev->icmp_type = r->icmp_type;
	ev->icmp_code = r->icmp_code;
	bpf_map_delete_elem(&replies, &key);
}

/*
 * The table that dropped it, where verdicts.bpf.c runs: still evaluating
 * (nft frees inside nft_do_chain), or returned NF_DROP just before.
 */
static __always_inline void wr_attach_verdict(const struct sk_buff *skb, struct wr_event *ev)
{
	struct wr_flow_key key = { .flow = ev->flow, .netns = ev->netns };
	struct wr_nf_call *c = wr_nf_top(skb);
	struct wr_verdict_val *v;

	if (c) {
		ev->nf_backend = c->backend;
		wr_nf_names(c, &ev->nf_hook, ev->nf_table, ev->nf_chain);
		return;
	}
	v = bpf_map_lookup_elem(&verdicts, &key);
	if (!v || ev->hdr.ts_ns - v->ts_ns > 1000000000ULL)
		return;
	ev->nf_backend = v->backend;
	ev->nf_hook = v->hook;
	__builtin_memcpy(ev->nf_table, v->table, sizeof(ev->nf_table));
	__builtin_memcpy(ev->nf_chain, v->chain, sizeof(ev->nf_chain));
	bpf_map_delete_elem(&verdicts, &key);
}

#define WR_NFCT_PTRMASK	(~7UL)	/* skb->_nfct: the conntrack pointer and ctinfo bits */

/*
 * A SYN a firewall dropped in the namespace that translated it still has
 * its conntrack attached, and that entry is nowhere else: a SYN dropped
 * before conntrack confirmed it never reaches the table that ctnetlink
 * (nat_lookup.c) reads. struct nf_conn is the nf_conntrack module's: read
 * behind bpf_core_type_exists(), as nf_calls.bpf.h explains.
 */
static __always_inline void wr_attach_nat(const struct sk_buff *skb, struct wr_event *ev)
{
	const struct nf_conn *ct;
	union wr_addr dst = {};
	const __u32 *a = (const __u32 *)&dst, *b = (const __u32 *)&ev->flow.daddr;
	unsigned long nfct;
	__u16 port;

	if (!bpf_core_type_exists(struct nf_conn) || !bpf_core_field_exists(skb->_nfct))
		return;
	nfct = BPF_CORE_READ(skb, _nfct) & WR_NFCT_PTRMASK;
	if (!nfct)
		return;
	ct = (const struct nf_conn *)nfct;
	/* The original direction's destination: what the client addressed. */
	bpf_probe_read_kernel(&dst, sizeof(dst),
			      __builtin_preserve_access_index(&ct->tuplehash[0].tuple.dst.u3));
	port = bpf_ntohs(BPF_CORE_READ(ct, tuplehash[0].tuple.dst.u.all));
	/* u3 is 16 bytes, the IPv4 address first, as in union wr_addr. */
	if (port == ev->flow.dport && a[0] == b[0] &&
	    (ev->flow.family == WR_AF_INET || (a[1] == b[1] && a[2] == b[2] && a[3] == b[3])))
		return;
	ev->nat = 1;
	ev->nat_daddr = dst;
	ev->nat_dport = port;
}

static __always_inline int wr_handle_kfree(const struct sk_buff *skb, __u64 location,
					   __u32 reason, const struct sock *rx_sk)
{
	struct wr_event ev;
	struct tcphdr th;
	bool netfilter, no_socket;
	__u32 ifindex;

	netfilter = reason == bpf_core_enum_value(enum skb_drop_reason,
						  SKB_DROP_REASON_NETFILTER_DROP);
	if (netfilter_only ? !netfilter : netfilter && nf_late_active)
		return 0;	/* the other object reports it (see maps.bpf.h) */
	no_socket = reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NO_SOCKET);
	if (no_socket && reset_hook_active)
		return 0;	/* tcp_send_reset reports this SYN */
	/* Locally built packets have no input interface: only incoming SYNs. */
	ifindex = skb->skb_iif;
	if (!ifindex)
		return 0;
	/* Every freed packet passes here: the event is built only past the plain loads. */
	__builtin_memset(&ev, 0, sizeof(ev));
	ev.hdr.kind = no_socket ? WR_EV_RESET : WR_EV_DROP;
	ev.ifindex = ifindex;
	if (wr_parse_tcp_btf(skb, &ev.flow, &th))
		return 0;
	if (wr_is_listen_overflow(reason)) {
		if (backlog_fn_active || !wr_is_ack(&th))
			return 0;	/* backlog_fn.bpf.c reported it, or not a final ACK */
	} else if (!wr_is_syn(&th)) {
		return 0;
	}
	ev.source = WR_SRC_KFREE_SKB;
	ev.reason = reason;
	ev.location = location;
	/* A probe read: rx_sk may be NULL, and some verifiers drop that test. */
	if (rx_sk)
		ev.rx_sk_state = BPF_CORE_READ(rx_sk, __sk_common.skc_state);
	/* A retransmitted SYN the listener answered again (its report may pause this CPU). */
	if (!netfilter && ev.hdr.kind == WR_EV_DROP &&
	    wr_mark_take_within(&synack_sent, &ev.flow, WR_MARK_PAUSED_TICKS))
		return 0;
	/* Probe reads: no verifier BTF search at load (see wr_skb_netns_btf), SYNs only. */
	ev.netns = wr_skb_netns(skb);
	ev.hdr.ts_ns = bpf_ktime_get_ns();
	if (netfilter) {
		wr_attach_reply(&ev);
		wr_attach_verdict(skb, &ev);
		wr_attach_nat(skb, &ev);
	}
	wr_report(&ev);
	return 0;
}

/*
 * tp_btf, not raw_tp: every packet the kernel frees passes here, and the
 * early exits above are plain loads, not probe reads.
 */
SEC("tp_btf/kfree_skb")
int BPF_PROG(kfree_skb_v3, struct sk_buff *skb, void *location, enum skb_drop_reason reason)
{
	return wr_handle_kfree(skb, (__u64)location, (__u32)reason, NULL);
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(kfree_skb_v4, struct sk_buff *skb, void *location, enum skb_drop_reason reason,
	     struct sock *rx_sk)
{
	return wr_handle_kfree(skb, (__u64)location, (__u32)reason, rx_sk);
}
