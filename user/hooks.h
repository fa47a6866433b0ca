/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which kernel hook serves each signal, decided once from the kernel's BTF:
 * probe -> choose -> switch off the programs not chosen -> attach.
 */
#ifndef WR_HOOKS_H
#define WR_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include <bpf/btf.h>

#include "output.h"

struct whyrefused_bpf;

struct wr_hook_plan {
	bool reset_tp;		/* tcp:tcp_send_reset with sk_rst_reason (6.10+) */
	bool kfree_rx_sk;	/* skb:kfree_skb has rx_sk (6.11+) */
	bool replies;		/* net:net_dev_queue, to tell REJECT from DROP */
	bool listeners;		/* sock:inet_sock_set_state: who starts/stops listening */
	bool unanswered;	/* skb:consume_skb: SYNs a listener dropped (backlog) */
	const char *note;	/* a fallback the user should know about, or NULL */
};

/* hook_probe.c: returns 0, or -1 with `err` naming what this kernel lacks. */
int wr_hooks_probe(const struct btf *vmlinux, struct wr_hook_plan *plan, char *err,
		   size_t errlen);
/* Before load: autoload only the chosen programs, tell them what was chosen. */
void wr_hooks_configure(struct whyrefused_bpf *skel, const struct wr_hook_plan *plan);
/* After load. Returns 0, or a negative errno with `err` naming the hook. */
int wr_hooks_attach(struct whyrefused_bpf *skel, const struct wr_hook_plan *plan, char *err,
		    size_t errlen);
void wr_hooks_describe(const struct wr_hook_plan *plan, struct wr_start_info *s);

#endif /* WR_HOOKS_H */
