/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Finds the BPF program behind a refusal whose blocker blocker_words.c
 * expects (r->blocker.kind), with the kernel's own answers: links of the
 * namespace (sk_lookup), the listener's cgroup and its ancestors (cgroup
 * ingress), the interface's tcx programs and tc filters; and who holds it
 * (/proc/PID/fdinfo's prog_id:/link_id:, as bpftool finds them). No tool
 * is run. Slow (a walk of /proc): on the BPF lane only (bpf_lane.c), its
 * listings kept for a few seconds.
 */
#ifndef WR_BPF_BLOCKERS_H
#define WR_BPF_BLOCKERS_H

#include "netns.h"
#include "refusal.h"

struct wr_bpf_finder;

struct wr_bpf_finder *wr_bpf_finder_new(void);
void wr_bpf_finder_free(struct wr_bpf_finder *f);
/* Fills r->blocker (program, holder, ns_prefix) and marks it looked. `ns` may be NULL. */
void wr_bpf_find(struct wr_bpf_finder *f, const struct wr_netns *ns, struct wr_refusal *r);
/*
 * Program `id` as the list of XDP programs a --watch-client report names
 * (watch_capture.c): its name, who holds it, the prefix that runs a
 * command in namespace `netns` (`ns` may be NULL).
 */
void wr_bpf_describe(struct wr_bpf_finder *f, const struct wr_netns *ns, uint32_t netns,
		     uint32_t id, struct wr_blocker *b);

#endif /* WR_BPF_BLOCKERS_H */
