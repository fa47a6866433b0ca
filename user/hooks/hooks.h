/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which kernel hook serves each signal, decided once at start:
 * probe the kernel (caps) -> choose (plan, pure) -> switch off the programs
 * not chosen -> load -> attach. For each signal the richest hook the kernel
 * allows wins: fentry/fexit, then kprobe/kretprobe, then tracepoints.
 */
#ifndef WR_HOOKS_H
#define WR_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <bpf/btf.h>

#include "cli.h"
#include "output.h"

struct whyrefused_bpf;

/* Kernel functions we can hook, by signal. */
enum wr_fn {
	WR_FN_TCP_V4_SEND_RESET,
	WR_FN_TCP_V6_SEND_RESET,
	WR_FN_TCP_CONN_REQUEST,
	WR_FN_TCP_V4_SYN_RECV_SOCK,
	WR_FN_TCP_V6_SYN_RECV_SOCK,
	WR_FN_NFT_DO_CHAIN,		/* module nf_tables */
	WR_FN_IPT_DO_TABLE,		/* module ip_tables */
	WR_FN_IP6T_DO_TABLE,		/* module ip6_tables */
	WR_FN_MAX,
};

extern const char *const wr_fn_names[WR_FN_MAX];

#define WR_FN_BIT(f)	(1u << (f))

/* What the running kernel offers besides tracepoints (hooks.c finds out). */
struct wr_kernel_caps {
	bool fentry;		/* a fentry program loads (some kernels refuse: EPERM) */
	bool kprobe;		/* the kernel has kprobes */
	unsigned callable;	/* WR_FN_BIT: in kallsyms under its own name, not inlined */
	unsigned btf;		/* WR_FN_BIT: described in vmlinux or a loaded module's BTF */
	unsigned rejects;	/* nf_send_reset (1), nf_send_reset6 (2) in kallsyms at start */
};

enum wr_attach {
	WR_ATTACH_NONE,		/* not hooked (a fallback covers the signal) */
	WR_ATTACH_TRACEPOINT,
	WR_ATTACH_FENTRY,
	WR_ATTACH_KPROBE,
};

#define WR_MAX_NOTES 8

struct wr_hook_plan {
	enum wr_backend backend;	/* what was asked for */
	enum wr_attach reset;		/* tcp_v4/v6_send_reset; TRACEPOINT: tcp:tcp_send_reset
					   (6.10+); NONE: skb:kfree_skb NO_SOCKET */
	enum wr_attach backlog;		/* tcp_conn_request + syn_recv_sock; TRACEPOINT:
					   inferred from skb:consume_skb */
	enum wr_attach verdict;		/* table names from nft_do_chain / ip(6)t_do_table */
	unsigned verdict_fns;		/* WR_FN_BIT of the verdict functions hooked */
	enum wr_attach fn[WR_FN_MAX];	/* per function: FENTRY, KPROBE or NONE; attach
					   turns FENTRY into KPROBE where fentry fails */
	bool kprobe_standby;		/* load kprobe twins of fentry programs */
	bool kfree_rx_sk;		/* skb:kfree_skb has rx_sk (6.11+) */
	bool replies;			/* net:net_dev_queue, to tell REJECT from DROP */
	bool listeners;			/* sock:inet_sock_set_state */
	bool process_ends;		/* sched_process_exit, signal_generate, sched_process_exec */
	bool handshakes;		/* tcp:tcp_retransmit_synack: handshake_incomplete */
	bool default_mode;		/* all but --all-hooks: see wr_hooks_default() */
	enum wr_attach backlog_fn;	/* default mode: FENTRY/KPROBE backlog hooks, attached on demand
					   (then `backlog` says so) */
	bool listen_overflow_reason;	/* kfree_skb has TCP_LISTEN_OVERFLOW (6.15+) */
	unsigned on_demand;		/* default mode: hooks attached on evidence (on_demand.h) */
	bool icmp_replies;		/* default mode: icmp:icmp_send, IPv4 REJECT answers */
	bool reject_kprobes;		/* default mode: kprobes on nf_send_reset... (reject_hooks.h) */
	const char *rejects;		/* their hook, as the start record says it */
	const char *notes[WR_MAX_NOTES];	/* fallbacks the user should know about */
	size_t n_notes;
	char attach_note[160];		/* storage for the note attach may add */
};

/* hook_plan.c, pure: 0, or -1 with `err` naming what this kernel lacks. */
int wr_hooks_plan(const struct btf *vmlinux, const struct wr_kernel_caps *caps,
		  enum wr_backend backend, struct wr_hook_plan *plan, char *err, size_t errlen);
/* Adds a note for the start record (at most WR_MAX_NOTES; `note` must outlive the plan). */
void wr_hooks_note(struct wr_hook_plan *plan, const char *note);
/*
 * The default (all but --all-hooks): attach at start only the hooks refused
 * SYNs pass, nothing every packet or connection passes. inet_sock_set_state
 * gives way to sock_diag polls; net_dev_queue and consume_skb are loaded
 * but attached on evidence (on_demand.h); icmp:icmp_send where it exists.
 */
void wr_hooks_default(const struct btf *vmlinux, struct wr_hook_plan *plan);
void wr_hooks_describe(const struct wr_hook_plan *plan, struct wr_start_info *s);
/* WR_FN_BIT of the backlog functions hooked (on demand: perhaps tcp_conn_request only). */
unsigned wr_hooks_backlog_fns(const struct wr_hook_plan *plan);
/* The hook that produced an event from `source` (enum wr_source), for output. */
const char *wr_hooks_source_name(const struct wr_hook_plan *plan, unsigned source, int family);
/* --probe: what the kernel offers and what would be chosen. */
void wr_hooks_print_probe(FILE *f, const struct wr_kernel_caps *caps,
			  const struct wr_hook_plan *plan);

/* hooks.c, against the running kernel. */
/* `all`: also list callable functions where no function hook could load (--probe). */
void wr_hooks_probe_caps(const struct btf *vmlinux, struct wr_kernel_caps *caps, bool all);
/* Before load: autoload only the chosen programs, tell them what was chosen. */
void wr_hooks_configure(struct whyrefused_bpf *skel, const struct wr_hook_plan *plan);
/*
 * After load. A fentry program the kernel will not attach (e.g. ENOTSUPP on
 * 6.1 for some functions) is replaced by its kprobe twin, noted in `plan`.
 * Returns 0, or a negative errno with `err` naming the hook.
 */
int wr_hooks_attach(struct whyrefused_bpf *skel, struct wr_hook_plan *plan, char *err,
		    size_t errlen);
/* Attaches (on) or detaches the on-demand hooks `hooks` (WR_OD_*): 0 or -errno. */
int wr_hooks_on_demand(struct whyrefused_bpf *skel, struct wr_hook_plan *plan, unsigned hooks,
		       bool on);

#endif /* WR_HOOKS_H */
