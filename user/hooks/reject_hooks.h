/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The REJECT hooks of the default mode (bpf/rejects_fn.bpf.c): kprobes on
 * the functions that send a REJECT's answer, in nf_reject_ipv4/ipv6. Those
 * are modules on distribution kernels, loaded with the first REJECT rule:
 * the hooks attach at start where the module is there (or built in) and
 * within a second of its loading otherwise. While they are attached, or
 * while the module is absent (no REJECT can happen), a blocked SYN with no
 * answer noted is a DROP: the default mode tells REJECT from DROP from the
 * first SYN without watching every packet.
 */
#ifndef WR_REJECT_HOOKS_H
#define WR_REJECT_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

struct whyrefused_bpf;

struct wr_reject_hooks {
	bool avail;		/* kprobes, the default mode, a function-hook backend */
	bool tried;		/* the first poll tries whatever sysfs says (built in) */
	unsigned in_kallsyms;	/* per family (bit 0 IPv4): the function was there at start */
	bool builtin[2];	/* hooked with no module directory: never detached */
	bool never[2];		/* there but not hookable: answers never seen this way */
	uint64_t since_ns[2];	/* IPv4, IPv6: attached at (CLOCK_MONOTONIC), 0: not */
	char what[160];		/* "kprobe/nf_send_reset+..." for the start record */
};

/* `avail`: kprobes and the default mode; `in_kallsyms`: caps.rejects at start. */
void wr_reject_hooks_init(struct wr_reject_hooks *rh, bool avail, unsigned in_kallsyms);
/*
 * Attaches the hooks of a family whose module is there and whose hooks are
 * not yet (`now_ns`: their time); detaches those of a module that went (a
 * kprobe is not re-armed when its module comes back). Returns the families
 * newly covered (bit 0 IPv4, bit 1 IPv6).
 */
unsigned wr_reject_hooks_poll(struct wr_reject_hooks *rh, struct whyrefused_bpf *skel,
			      uint64_t now_ns);
/* Would a REJECT's answer to a SYN of `family` (AF_INET/AF_INET6) at `ts_ns` have been seen? */
bool wr_reject_hooks_watched(const struct wr_reject_hooks *rh, int family, uint64_t ts_ns);

#endif /* WR_REJECT_HOOKS_H */
