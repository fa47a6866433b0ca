// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The floor under whyrefused's kernel-side numbers: a program that does
 * nothing, on each tracepoint whyrefused uses here, attached the same way.
 * What bpf_stats shows for it is the dispatch and the stats' own clock
 * reads, the part of every program's ns/call that no code change removes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tp_btf/tcp_send_reset")
int empty_send_reset(void *ctx) { return 0; }

SEC("tp_btf/kfree_skb")
int empty_kfree_skb(void *ctx) { return 0; }

SEC("tp_btf/net_dev_queue")
int empty_dev_queue(void *ctx) { return 0; }

SEC("raw_tp/inet_sock_set_state")
int empty_set_state(void *ctx) { return 0; }

SEC("tp_btf/consume_skb")
int empty_consume(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
