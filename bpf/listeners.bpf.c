// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Who starts and stops listening, where, and when: sock:inet_sock_set_state
 * fires in the context of the task making the change (listen(), close(),
 * or the exit of a killed process), so pid and comm name it.
 */
#include "syn.bpf.h"

#define WR_TCP_CLOSE	7
#define WR_TCP_LISTEN	10
#define WR_IPPROTO_TCP_SK 6

SEC("raw_tp/inet_sock_set_state")
int inet_sock_set_state_listen(struct bpf_raw_tracepoint_args *ctx)
{
	const struct sock *sk = (const struct sock *)ctx->args[0];
	int oldstate = (int)ctx->args[1];
	int newstate = (int)ctx->args[2];
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct wr_listen_event *e;
	__u8 kind;

	if (newstate == WR_TCP_LISTEN)
		kind = WR_EV_LISTEN;
	/*
	 * A listener stops with close() or shutdown(): LISTEN -> CLOSE. Every
	 * child socket cloned from a listener also leaves LISTEN (for SYN_RECV)
	 * once per accepted connection: not a stop, and not worth an event.
	 */
	else if (oldstate == WR_TCP_LISTEN && newstate == WR_TCP_CLOSE)
		kind = WR_EV_UNLISTEN;
	else
		return 0;
	/* MPTCP reports its own sockets through this tracepoint too. */
	if (BPF_CORE_READ(sk, sk_protocol) != WR_IPPROTO_TCP_SK)
		return 0;

	/* Its end will be told (proc_ends.bpf.c). A key on the stack: 6.1 takes no other. */
	if (kind == WR_EV_LISTEN)
		bpf_map_update_elem(&listen_owners, &tgid, &kind, BPF_ANY);
	wr_count(WR_CNT_LISTEN_SEEN);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		wr_count(WR_CNT_LISTEN_LOST);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.kind = kind;
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (e->family == WR_AF_INET6) {
		BPF_CORE_READ_INTO(&e->addr.v6, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		/* Set before listen(), so final by now. */
		if (BPF_CORE_READ_BITFIELD_PROBED(&sk->__sk_common, skc_ipv6only))
			e->flags |= WR_LISTEN_V6ONLY;
	} else
		e->addr.v4 = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
	e->port = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	e->backlog = BPF_CORE_READ(sk, sk_max_ack_backlog);
	/* The lookup skips a socket bound to another device: keep it for the hints. */
	e->bound_ifindex = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);
	e->pid = tgid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}
