/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Maps and knobs shared by every program. Each object defines them weak
 * and `bpftool gen object` merges the definitions into one object and one
 * skeleton. (Weak, not extern: the linker of libbpf 1.1 loses the offsets
 * of extern maps resolved across objects.)
 */
#ifndef WR_MAPS_BPF_H
#define WR_MAPS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "whyrefused.h"

#define WR_SHARED __weak

/* Set by the loader before load, so the verifier prunes dead branches. */
WR_SHARED const volatile bool filter_ports = false;
WR_SHARED const volatile bool filter_src = false;
WR_SHARED const volatile bool filter_netns = false;
WR_SHARED const volatile bool reset_hook_active = false;	/* kfree_skb skips NO_SOCKET */
WR_SHARED const volatile bool backlog_fn_active = false;	/* kfree_skb skips LISTEN_OVERFLOW */
WR_SHARED const volatile __u64 fold_window_ns = 10ULL * 1000 * 1000 * 1000;
WR_SHARED const volatile __u64 rate_per_cpu = 0;	/* events/s on each CPU; 0: no limit */
/* handshake_incomplete is reported at this SYN-ACK retransmission (handshakes.bpf.c). */
WR_SHARED const volatile __u32 synack_report_at = 2;
/*
 * The object loaded when a netfilter module appears after start
 * (user/hooks/nf_late.c) reports firewall drops only, naming the table; once it
 * is attached the loader sets nf_late_active and the first object leaves
 * those drops to it.
 */
WR_SHARED const volatile bool netfilter_only = false;
WR_SHARED volatile __u32 nf_late_active = 0;

struct wr_ringbuf_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
};

struct wr_counters_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WR_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
};

struct wr_port_filter_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16);
	__type(value, __u8);
};

struct wr_netns_filter_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);	/* netns inode */
	__type(value, __u8);
};

struct wr_src4_filter_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct wr_lpm_v4);
	__type(value, __u8);
};

struct wr_src6_filter_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct wr_lpm_v6);
	__type(value, __u8);
};

struct wr_fold_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct wr_fold_key);
	__type(value, struct wr_fold_val);
};

struct wr_replies_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct wr_flow_key);
	__type(value, struct wr_reply_val);
};

struct wr_buckets_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wr_bucket);
};

/* When this CPU last woke the reader (ns); see wr_wakeup_flags(). */
struct wr_wakeups_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
};

/*
 * A note one hook leaves for the next on the same CPU: the SYN whose answer
 * is being sent right now (see wr_mark() in syn.bpf.h).
 */
struct wr_cpu_mark {
	struct wr_flow syn;	/* the SYN's flow, as the SYN travelled */
	__u64 jiffies;
};

struct wr_cpu_mark_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wr_cpu_mark);
};

struct wr_verdicts_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct wr_flow_key);
	__type(value, struct wr_verdict_val);
};

/* Processes that listen (tgid): their signals, exits and execs are watched. */
struct wr_listen_owners_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
};
struct wr_signal_notes_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);	/* the target's tgid */
	__type(value, struct wr_signal_note);
};
WR_SHARED struct wr_ringbuf_map events SEC(".maps");
WR_SHARED struct wr_listen_owners_map listen_owners SEC(".maps");
WR_SHARED struct wr_signal_notes_map signal_notes SEC(".maps");
WR_SHARED struct wr_counters_map counters SEC(".maps");
WR_SHARED struct wr_port_filter_map port_filter SEC(".maps");
WR_SHARED struct wr_src4_filter_map src4_filter SEC(".maps");
WR_SHARED struct wr_netns_filter_map netns_filter SEC(".maps");
WR_SHARED struct wr_src6_filter_map src6_filter SEC(".maps");
WR_SHARED struct wr_fold_map folds SEC(".maps");
WR_SHARED struct wr_replies_map replies SEC(".maps");
WR_SHARED struct wr_verdicts_map verdicts SEC(".maps");
WR_SHARED struct wr_buckets_map buckets SEC(".maps");
WR_SHARED struct wr_cpu_mark_map own_rst SEC(".maps");	/* the stack's no-socket RST */
WR_SHARED struct wr_cpu_mark_map synack_sent SEC(".maps");	/* a SYN-ACK for that SYN */
WR_SHARED struct wr_wakeups_map wakeups SEC(".maps");

#endif /* WR_MAPS_BPF_H */
