// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The floor under whyrefused's kernel-side numbers: a program that does
 * nothing, on each hook whyrefused may use, attached the same way. What
 * bpf_stats shows for it is the dispatch and the stats' own clock reads,
 * the part of every program's ns/call that no code change removes.
 * bench.sh names the set of each configuration (empty_tracer loads only
 * those); one that the kernel lacks is skipped, as whyrefused skips it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* Tracepoints: the no-socket RST (6.10+), drops, replies, listeners, queues. */
SEC("tp_btf/tcp_send_reset")
int empty_send_reset(void *ctx) { return 0; }

SEC("tp_btf/kfree_skb")
int empty_kfree_skb(void *ctx) { return 0; }

SEC("tp_btf/net_dev_queue")
int empty_dev_queue(void *ctx) { return 0; }

SEC("tp_btf/icmp_send")
int empty_icmp_send(void *ctx) { return 0; }

SEC("raw_tp/inet_sock_set_state")
int empty_set_state(void *ctx) { return 0; }

SEC("tp_btf/consume_skb")
int empty_consume(void *ctx) { return 0; }

/* Process ends: once per process or signal. */
SEC("raw_tp/sched_process_exit")
int empty_exit(void *ctx) { return 0; }

SEC("raw_tp/signal_generate")
int empty_signal(void *ctx) { return 0; }

SEC("raw_tp/sched_process_exec")
int empty_exec(void *ctx) { return 0; }

/* Function hooks, as fentry/fexit and as kprobe/kretprobe. */
#define EMPTY_FN(fn)							\
	SEC("fentry/" #fn) int BPF_PROG(fentry_##fn) { return 0; }	\
	SEC("kprobe/" #fn) int BPF_KPROBE(kprobe_##fn) { return 0; }
#define EMPTY_FN_RET(fn)						\
	EMPTY_FN(fn)							\
	SEC("fexit/" #fn) int BPF_PROG(fexit_##fn) { return 0; }	\
	SEC("kretprobe/" #fn) int BPF_KRETPROBE(kretprobe_##fn) { return 0; }

EMPTY_FN(tcp_v4_send_reset)
EMPTY_FN(tcp_v6_send_reset)
EMPTY_FN(tcp_conn_request)
EMPTY_FN(tcp_v4_syn_recv_sock)
EMPTY_FN(tcp_v6_syn_recv_sock)
EMPTY_FN_RET(nft_do_chain)
EMPTY_FN_RET(ipt_do_table)
EMPTY_FN_RET(ip6t_do_table)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
