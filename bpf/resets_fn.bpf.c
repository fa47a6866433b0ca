// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * RST sent because no socket matched an incoming SYN, seen at the function
 * that sends it: tcp_v4_send_reset(sk, skb[, reason]) and its IPv6 twin are
 * called with sk == NULL exactly when the lookup found no socket. Works on
 * every kernel where the function is not inlined, unlike the tracepoint
 * (no-socket calls only since 6.10). The loader keeps the fentry pair where
 * fentry programs may load, else the kprobe pair, else neither.
 */
#include "syn.bpf.h"
#include <bpf/bpf_tracing.h>

static __always_inline int wr_reset_fn(const struct sock *sk, const struct sk_buff *skb)
{
	struct wr_event ev;

	/* Every RST passes here, most for a socket: leave before building the event. */
	if (sk || !skb)
		return 0;
	__builtin_memset(&ev, 0, sizeof(ev));
	if (wr_parse_syn(skb, &ev.flow))
		return 0;
	wr_mark(&own_rst, &ev.flow);
	ev.hdr.kind = WR_EV_RESET;
	ev.source = WR_SRC_SEND_RESET_FN;
	/* The drop reason the SYN is freed with next: one name on every kernel. */
	ev.reason = bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NO_SOCKET);
	ev.netns = wr_skb_netns(skb);
	ev.ifindex = BPF_CORE_READ(skb, skb_iif);
	wr_report(&ev);
	return 0;
}

SEC("fentry/tcp_v4_send_reset")
int BPF_PROG(fentry_tcp_v4_send_reset, const struct sock *sk, struct sk_buff *skb)
{
	return wr_reset_fn(sk, skb);
}

SEC("fentry/tcp_v6_send_reset")
int BPF_PROG(fentry_tcp_v6_send_reset, const struct sock *sk, struct sk_buff *skb)
{
	return wr_reset_fn(sk, skb);
}

SEC("kprobe/tcp_v4_send_reset")
int BPF_KPROBE(kprobe_tcp_v4_send_reset, const struct sock *sk, struct sk_buff *skb)
{
	return wr_reset_fn(sk, skb);
}

SEC("kprobe/tcp_v6_send_reset")
int BPF_KPROBE(kprobe_tcp_v6_send_reset, const struct sock *sk, struct sk_buff *skb)
{
	return wr_reset_fn(sk, skb);
}
