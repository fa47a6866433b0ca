/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Verdict hooks for netfilter modules that load after start. On Debian's
 * kernels nf_tables and ip_tables load on first use (nftables.service, the
 * first `nft` or `iptables`), often after whyrefused. When one appears with
 * its BTF, a second BPF object is loaded: the verdict hooks on its function
 * (fentry or kprobe, as the backend chose) and a kfree_skb program that can
 * read its types, sharing every map with the first object, which then
 * leaves firewall drops to it. Nothing that worked before changes.
 */
#ifndef WR_NF_LATE_H
#define WR_NF_LATE_H

#include <stddef.h>

#include "hooks.h"
#include "nf_modules.h"

struct whyrefused_bpf;
struct wr_nf_late;

/* NULL when the backend hooks no function (then nothing can be added later). */
struct wr_nf_late *wr_nf_late_new(struct whyrefused_bpf *skel, struct wr_hook_plan *plan,
				  const struct wr_kernel_caps *caps,
				  const struct wr_nf_modules *at_start);
/*
 * About once a second: attaches the hooks of modules that appeared. Returns
 * 1 with `msg` saying what was attached (the plan is updated), 0 when
 * nothing changed, -1 with `msg` when a module's hooks could not be
 * attached (given up after a few tries; said once).
 */
int wr_nf_late_poll(struct wr_nf_late *l, char *msg, size_t len);
/* The modules' states as last seen. */
const struct wr_nf_modules *wr_nf_late_modules(const struct wr_nf_late *l);
void wr_nf_late_free(struct wr_nf_late *l);

#endif /* WR_NF_LATE_H */
