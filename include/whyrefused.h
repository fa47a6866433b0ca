/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one layout shared by the kernel side (bpf/) and the loader (user/).
 * Every struct that crosses the ring buffer or a map lives here, with
 * fixed-width fields and explicit padding so both compilers agree.
 */
#ifndef WHYREFUSED_H
#define WHYREFUSED_H

#ifndef __VMLINUX_H__		/* the BPF side has the types from vmlinux.h */
#include <linux/types.h>
#endif

#define WR_AF_INET	2
#define WR_AF_INET6	10

/* What the kernel saw; every ring buffer record starts with its kind. */
enum wr_event_kind {
	WR_EV_RESET = 1,	/* the stack answered with RST: no socket found */
	WR_EV_DROP = 2,		/* the SYN was freed with a drop reason */
	WR_EV_UNANSWERED = 3,	/* a listener consumed the SYN without a SYN-ACK */
	WR_EV_LISTEN = 4,	/* a TCP socket entered LISTEN (struct wr_listen_event) */
	WR_EV_UNLISTEN = 5,	/* a TCP socket left LISTEN (struct wr_listen_event) */
	WR_EV_PROC_END = 6,	/* a process that listened ended (struct wr_proc_event) */
	WR_EV_PROC_EXEC = 7,	/* a process that listened became another program (the same) */
	WR_EV_HANDSHAKE = 8,	/* a listener resent its SYN-ACK, the client's ACK never came */
};

/* What left the host in answer to the SYN before it was freed. */
enum wr_reply {
	WR_REPLY_NONE = 0,
	WR_REPLY_TCP_RST = 1,	/* nf_send_reset(): REJECT with tcp reset */
	WR_REPLY_ICMP = 2,	/* ICMP destination unreachable (icmp_type/code) */
	WR_REPLY_ICMP6 = 3,	/* ICMPv6 destination unreachable */
};

/* Which signal produced the event, so the output can name the hook. */
enum wr_source {
	WR_SRC_TCP_SEND_RESET = 1,
	WR_SRC_KFREE_SKB = 2,
	WR_SRC_CONSUME_SKB = 3,
	WR_SRC_SEND_RESET_FN = 4,	/* fentry/kprobe on tcp_v4/v6_send_reset */
	WR_SRC_CONN_REQUEST = 5,	/* fentry/kprobe on tcp_conn_request: queue full */
	WR_SRC_SYN_RECV_SOCK = 6,	/* fentry/kprobe on tcp_v4/v6_syn_recv_sock: queue full */
	WR_SRC_SYNACK_RTX = 7,		/* tcp:tcp_retransmit_synack */
};

/* Which netfilter code returned NF_DROP for the SYN (fexit/kretprobe). */
enum wr_nf_backend {
	WR_NF_NONE = 0,
	WR_NF_NFTABLES = 1,	/* nft_do_chain: nftables and iptables-nft */
	WR_NF_IPTABLES = 2,	/* ipt_do_table / ip6t_do_table: iptables-legacy */
};

#define WR_NF_NAME_LEN 32

union wr_addr {
	__u32 v4;		/* network byte order */
	__u8 v6[16];
};

/* One TCP flow as the server sees it: client is the source. */
struct wr_flow {
	union wr_addr saddr;
	union wr_addr daddr;
	__u16 sport;		/* host byte order */
	__u16 dport;
	__u8 family;		/* WR_AF_INET or WR_AF_INET6 */
	__u8 pad[3];
};

struct wr_event_hdr {
	__u64 ts_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u8 kind;		/* enum wr_event_kind: which struct follows */
	__u8 pad[7];
};

/* WR_EV_RESET, WR_EV_DROP, WR_EV_UNANSWERED: a refused SYN. */
struct wr_event {
	struct wr_event_hdr hdr;
	__u64 location;		/* kfree_skb: address of the freeing function */
	struct wr_flow flow;
	__u32 netns;		/* inode of the receiving network namespace */
	__u32 ifindex;		/* receiving interface */
	__u32 reason;		/* kernel enum value: skb_drop_reason or sk_rst_reason */
	__u32 retries;		/* SYNs of this attempt folded before this event */
	__u8 source;		/* enum wr_source */
	__u8 reply;		/* enum wr_reply */
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 rx_sk_state;	/* state of the socket the SYN reached, 0 if none */
	__u8 nf_backend;	/* enum wr_nf_backend: set where a verdict hook runs */
	__u8 nf_hook;		/* NF_INET_* hook the verdict was given at */
	__u8 nat;		/* the SYN's own conntrack says NAT changed its destination: */
	__u32 queue;		/* backlog events from a function hook: accept queue */
	__u32 max_queue;	/* and its limit (sk_max_ack_backlog) */
	char nf_table[WR_NF_NAME_LEN];	/* table that returned NF_DROP */
	char nf_chain[WR_NF_NAME_LEN];	/* its base chain (nft) or hook's chain (iptables) */
	union wr_addr nat_daddr;	/* then: what the client dialled */
	__u16 nat_dport;		/* host byte order */
	__u8 synack_rtx;		/* WR_EV_HANDSHAKE: SYN-ACKs resent so far */
	__u8 pad2[5];
};

#define WR_COMM_LEN 16

/* WR_EV_LISTEN, WR_EV_UNLISTEN: who started or stopped listening where. */
struct wr_listen_event {
	struct wr_event_hdr hdr;
	union wr_addr addr;	/* bound address (0.0.0.0 / :: for any) */
	__u32 netns;
	__u32 pid;		/* tgid of the task that made the change */
	__u32 backlog;		/* listen() backlog (sk_max_ack_backlog) */
	__u32 bound_ifindex;	/* SO_BINDTODEVICE / VRF: sk_bound_dev_if, 0 if none */
	__u16 port;		/* host byte order */
	__u8 family;
	__u8 flags;		/* WR_LISTEN_* */
	char comm[WR_COMM_LEN];
};

/*
 * The last signal that could end a listener's process: who sent it. Kept by
 * signal:signal_generate, read by sched:sched_process_exit.
 */
struct wr_signal_note {
	__u64 ts_ns;
	__u32 sender_pid;	/* tgid of the sender; the process itself for a fault */
	__u32 sender_uid;
	__u32 signal;
	__u32 pad;
	char sender_comm[WR_COMM_LEN];
};

/* WR_EV_PROC_END, WR_EV_PROC_EXEC: how a process that listened ended. */
struct wr_proc_event {
	struct wr_event_hdr hdr;
	__u32 pid;		/* tgid */
	__u32 exit_code;	/* task->exit_code: status << 8, or signal (| 0x80: core dumped) */
	__u8 oom;		/* the OOM killer chose it (signal->oom_mm set) */
	__u8 has_note;		/* `note` holds the last signal sent to it */
	__u8 pad[6];
	char comm[WR_COMM_LEN];	/* exec: the new program */
	struct wr_signal_note note;
};

/* wr_listen_event.flags */
#define WR_LISTEN_V6ONLY	0x1	/* AF_INET6 socket with IPV6_V6ONLY */

/* Kernel-side counters, a per-CPU array indexed by this enum. */
enum wr_counter {
	WR_CNT_SEEN = 0,	/* incoming SYNs refused or dropped, before filters */
	WR_CNT_FILTERED,	/* excluded by --port/--src */
	WR_CNT_FOLDED,		/* retransmitted SYNs of an attempt already reported */
	WR_CNT_EMITTED,		/* events written to the ring buffer */
	WR_CNT_RINGBUF_FULL,	/* events lost: the ring buffer was full */
	WR_CNT_LISTEN_SEEN,	/* LISTEN transitions seen */
	WR_CNT_LISTEN_LOST,	/* of those, lost: the ring buffer was full */
	/* Suppressed by the rate limit (--rate-limit), by cause. */
	WR_CNT_RL_NO_LISTENER,
	WR_CNT_RL_FIREWALL,	/* firewall_reject and firewall_drop */
	WR_CNT_RL_BACKLOG,
	WR_CNT_RL_OTHER,
	WR_CNT_PROC_LOST,	/* a listener process's end or exec: the ring buffer was full */
	WR_CNT_SYNACK_RTX,	/* SYN-ACK retransmissions seen (tcp:tcp_retransmit_synack) */
	WR_CNT_RL_HANDSHAKE,	/* handshake_incomplete suppressed by the rate limit */
	WR_CNT_MAX,
};

/* Per-CPU token bucket of the rate limit, in event-nanoseconds. */
struct wr_bucket {
	__u64 last_ns;
	__u64 credit;		/* events allowed now, times 1e9 */
};

/* LPM trie keys for --src. */
struct wr_lpm_v4 {
	__u32 prefixlen;
	__u32 addr;
};

struct wr_lpm_v6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/* A flow inside one network namespace. */
struct wr_flow_key {
	struct wr_flow flow;
	__u32 netns;
};

/* Fold map: one entry per refused attempt. */
struct wr_fold_key {
	struct wr_flow_key fk;
	__u8 kind;
	__u8 pad[3];
};

struct wr_fold_val {
	__u64 last_ns;
	__u32 count;
	__u32 pad;
};

/* Replies seen leaving the host, keyed by the flow of the SYN they answer. */
/* A netfilter NF_DROP verdict, keyed like replies, joined at kfree_skb. */
struct wr_verdict_val {
	__u64 ts_ns;
	__u8 backend;		/* enum wr_nf_backend */
	__u8 hook;
	__u8 pad[6];
	char table[WR_NF_NAME_LEN];
	char chain[WR_NF_NAME_LEN];
};

struct wr_reply_val {
	__u64 ts_ns;
	__u8 reply;
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 pad[5];
};

#endif /* WHYREFUSED_H */
