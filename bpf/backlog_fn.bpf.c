// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A full accept queue, seen where the kernel decides, on kernels that let
 * us hook functions (elsewhere backlog.bpf.c infers it from consume_skb):
 *
 * - tcp_conn_request(rsk_ops, af_ops, sk, skb) handles a SYN for listener
 *   sk and drops it without a SYN-ACK when sk_acceptq_is_full(sk);
 * - tcp_v4/v6_syn_recv_sock(sk, skb, ...) turns the handshake's final ACK
 *   into a socket and gives up (ListenOverflows) when the queue is full.
 *
 * Both check on entry the condition the function tests first, so the event
 * says what the kernel is about to do, with the queue and its limit.
 */
#include "syn.bpf.h"
#include <bpf/bpf_tracing.h>

/*
 * sk_acceptq_is_full(sk), read before anything else: these run for every
 * connection, and only a full queue needs the event built (and zeroed).
 */
static __always_inline bool wr_acceptq_full(const struct sock *sk, __u32 *queue, __u32 *max)
{
	*queue = BPF_CORE_READ(sk, sk_ack_backlog);
	*max = BPF_CORE_READ(sk, sk_max_ack_backlog);
	return *queue > *max;
}

static __always_inline __u32 wr_sk_netns(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* source: WR_SRC_CONN_REQUEST (skb is a SYN) or WR_SRC_SYN_RECV_SOCK (the final ACK). */
static __always_inline int wr_queue_full(const struct sock *sk, const struct sk_buff *skb,
					 __u8 source)
{
	struct wr_event ev;
	__u32 queue, max;

	if (!sk || !skb || !wr_acceptq_full(sk, &queue, &max))
		return 0;
	__builtin_memset(&ev, 0, sizeof(ev));
	if (source == WR_SRC_CONN_REQUEST ? wr_parse_syn(skb, &ev.flow) :
					    wr_parse_ack(skb, &ev.flow))
		return 0;
	ev.hdr.kind = WR_EV_UNANSWERED;
	ev.source = source;
	ev.queue = queue;
	ev.max_queue = max;
	ev.netns = wr_sk_netns(sk);
	ev.ifindex = BPF_CORE_READ(skb, skb_iif);
	wr_report(&ev);
	return 0;
}

static __always_inline int wr_conn_request(const struct sock *sk, const struct sk_buff *skb)
{
	return wr_queue_full(sk, skb, WR_SRC_CONN_REQUEST);
}

static __always_inline int wr_syn_recv_sock(const struct sock *sk, const struct sk_buff *skb)
{
	return wr_queue_full(sk, skb, WR_SRC_SYN_RECV_SOCK);
}

/*
 * fentry's arguments are typed: the queue is read with plain loads (a
 * kprobe's need probe reads), the cheapest exit for every connection.
 */
static __always_inline bool wr_acceptq_full_btf(const struct sock *sk)
{
	return sk && sk->sk_ack_backlog > sk->sk_max_ack_backlog;
}

SEC("fentry/tcp_conn_request")
int BPF_PROG(fentry_tcp_conn_request, void *rsk_ops, const void *af_ops, struct sock *sk,
	     struct sk_buff *skb)
{
	return wr_acceptq_full_btf(sk) ? wr_conn_request(sk, skb) : 0;
}

SEC("kprobe/tcp_conn_request")
int BPF_KPROBE(kprobe_tcp_conn_request, void *rsk_ops, const void *af_ops, struct sock *sk,
	       struct sk_buff *skb)
{
	return wr_conn_request(sk, skb);
}

SEC("fentry/tcp_v4_syn_recv_sock")
int BPF_PROG(fentry_tcp_v4_syn_recv_sock, const struct sock *sk, struct sk_buff *skb)
{
	return wr_acceptq_full_btf(sk) ? wr_syn_recv_sock(sk, skb) : 0;
}

SEC("fentry/tcp_v6_syn_recv_sock")
int BPF_PROG(fentry_tcp_v6_syn_recv_sock, const struct sock *sk, struct sk_buff *skb)
{
	return wr_acceptq_full_btf(sk) ? wr_syn_recv_sock(sk, skb) : 0;
}

SEC("kprobe/tcp_v4_syn_recv_sock")
int BPF_KPROBE(kprobe_tcp_v4_syn_recv_sock, const struct sock *sk, struct sk_buff *skb)
{
	return wr_syn_recv_sock(sk, skb);
}

SEC("kprobe/tcp_v6_syn_recv_sock")
int BPF_KPROBE(kprobe_tcp_v6_syn_recv_sock, const struct sock *sk, struct sk_buff *skb)
{
	return wr_syn_recv_sock(sk, skb);
}
