/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The netfilter modules whose types and functions the verdict hooks need,
 * and whether the running kernel has them: built in, loaded (with or
 * without BTF), or not loaded. Debian's kernels build them as modules that
 * load on first use, so on a fresh boot they are usually absent; the start
 * record says so, and nf_late.c attaches their hooks when they appear.
 */
#ifndef WR_NF_MODULES_H
#define WR_NF_MODULES_H

#include <stdbool.h>

#include <bpf/btf.h>

enum wr_nf_mod {
	WR_MOD_NF_TABLES,	/* nft_do_chain, struct nft_chain */
	WR_MOD_IP_TABLES,	/* ipt_do_table, struct xt_table */
	WR_MOD_IP6_TABLES,	/* ip6t_do_table */
	WR_MOD_MAX,
};

enum wr_mod_state {
	WR_MOD_ABSENT,		/* not loaded (or not built) */
	WR_MOD_NO_BTF,		/* loaded, no BTF: kprobes could hook it, names unreadable */
	WR_MOD_LOADED,		/* loaded, with BTF in /sys/kernel/btf/<name> */
	WR_MOD_BUILTIN,		/* in vmlinux and its BTF */
};

struct wr_nf_modules {
	enum wr_mod_state state[WR_MOD_MAX];
};

extern const char *const wr_nf_mod_names[WR_MOD_MAX];

/* "built in", "loaded", "loaded, no BTF", "not loaded" */
const char *wr_mod_state_name(enum wr_mod_state s);

/* Has a module's BTF (built in, or loaded with BTF): its hooks can name tables. */
static inline bool wr_mod_usable(enum wr_mod_state s)
{
	return s == WR_MOD_LOADED || s == WR_MOD_BUILTIN;
}

/*
 * Reads the state of each module: `vmlinux` BTF says built in; else
 * ROOT/sys/kernel/btf/<name> and ROOT/proc/modules (ROOT is "" on a live
 * system, a directory in the unit tests).
 */
void wr_nf_modules_read(const struct btf *vmlinux, const char *root, struct wr_nf_modules *m);

/*
 * One note for the start record: the modules not usable and what that
 * costs ("nf_tables not loaded: ..."), or NULL when all are usable.
 * `fn_hooks`: the backend can hook functions at all (fentry or kprobe).
 */
const char *wr_nf_modules_note(const struct wr_nf_modules *m, bool fn_hooks, char *buf,
			       size_t len);

#endif /* WR_NF_MODULES_H */
