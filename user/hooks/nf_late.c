// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nf_late.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "whyrefused.skel.h"
#include "whyrefused_nf.skel.h"

#define MAX_TRIES 10	/* polls a module may fail to hook before we give up on it */

/* One late object and the links it was attached with. */
struct late_gen {
	struct whyrefused_nf_bpf *obj;
	struct bpf_link *links[2 * WR_FN_MAX + 1];
	size_t n;
};

struct wr_nf_late {
	struct whyrefused_bpf *skel;
	struct wr_hook_plan *plan;
	struct wr_nf_modules mods;
	unsigned start_fns;		/* verdict functions the first object hooks */
	unsigned late_fns;		/* ... and those the late object hooks */
	struct late_gen gen;
	int tries;
	bool gave_up;
};

static const enum wr_fn mod_fn[WR_MOD_MAX] = {
	[WR_MOD_NF_TABLES] = WR_FN_NFT_DO_CHAIN,
	[WR_MOD_IP_TABLES] = WR_FN_IPT_DO_TABLE,
	[WR_MOD_IP6_TABLES] = WR_FN_IP6T_DO_TABLE,
};

struct wr_nf_late *wr_nf_late_new(struct whyrefused_bpf *skel, struct wr_hook_plan *plan,
				  const struct wr_kernel_caps *caps,
				  const struct wr_nf_modules *at_start)
{
	struct wr_nf_late *l;
	int f;

	/* The default mode hooks no rule evaluator (hook_plan.c): nothing to add late. */
	if (plan->backend == WR_BACKEND_TRACEPOINT || plan->default_mode || (!caps->fentry && !caps->kprobe))
		return NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->skel = skel;
	l->plan = plan;
	l->mods = *at_start;
	for (f = 0; f < WR_FN_MAX; f++)
		if (plan->fn[f] != WR_ATTACH_NONE)
			l->start_fns |= WR_FN_BIT(f);
	return l;
}

const struct wr_nf_modules *wr_nf_late_modules(const struct wr_nf_late *l)
{
	return &l->mods;
}

/* The verdict programs of `fn` in the late object: entry and exit, of one kind. */
static void fn_progs(struct whyrefused_nf_bpf *o, enum wr_fn fn, enum wr_attach kind,
		     struct bpf_program **entry, struct bpf_program **exit)
{
	bool fentry = kind == WR_ATTACH_FENTRY;

	switch (fn) {
	case WR_FN_NFT_DO_CHAIN:
		*entry = fentry ? o->progs.fentry_nft_do_chain : o->progs.kprobe_nft_do_chain;
		*exit = fentry ? o->progs.fexit_nft_do_chain : o->progs.kretprobe_nft_do_chain;
		break;
	case WR_FN_IPT_DO_TABLE:
		*entry = fentry ? o->progs.fentry_ipt_do_table : o->progs.kprobe_ipt_do_table;
		*exit = fentry ? o->progs.fexit_ipt_do_table : o->progs.kretprobe_ipt_do_table;
		break;
	default:
		*entry = fentry ? o->progs.fentry_ip6t_do_table : o->progs.kprobe_ip6t_do_table;
		*exit = fentry ? o->progs.fexit_ip6t_do_table : o->progs.kretprobe_ip6t_do_table;
		break;
	}
}

/* Every map but its own .rodata/.bss is the first object's. */
static int share_maps(struct whyrefused_nf_bpf *o, struct whyrefused_bpf *skel)
{
	struct bpf_map *m, *mine;
	int e;

	bpf_object__for_each_map(m, o->obj) {
		if (bpf_map__is_internal(m))
			continue;
		mine = bpf_object__find_map_by_name(skel->obj, bpf_map__name(m));
		if (!mine)
			return -ENOENT;
		e = bpf_map__reuse_fd(m, bpf_map__fd(mine));
		if (e)
			return e;
	}
	return 0;
}

static void copy_knobs(struct whyrefused_nf_bpf *o, const struct whyrefused_bpf *skel)
{
	o->rodata->filter_ports = skel->rodata->filter_ports;
	o->rodata->filter_src = skel->rodata->filter_src;
	o->rodata->filter_netns = skel->rodata->filter_netns;
	o->rodata->reset_hook_active = skel->rodata->reset_hook_active;
	o->rodata->backlog_fn_active = skel->rodata->backlog_fn_active;
	o->rodata->fold_window_ns = skel->rodata->fold_window_ns;
	o->rodata->rate_per_cpu = skel->rodata->rate_per_cpu;
	o->rodata->netfilter_only = true;
}

static void gen_destroy(struct late_gen *g)
{
	while (g->n)
		bpf_link__destroy(g->links[--g->n]);
	whyrefused_nf_bpf__destroy(g->obj);
	g->obj = NULL;
}

static int attach(struct late_gen *g, struct bpf_program *prog)
{
	struct bpf_link *link = bpf_program__attach(prog);

	if (!link)
		return -errno;
	g->links[g->n++] = link;
	return 0;
}

/* Entry, then exit: an exit without its entry would pop someone else's call. */
static int attach_pair(struct late_gen *g, enum wr_fn fn, enum wr_attach kind)
{
	struct bpf_program *entry, *exit;
	int e;

	fn_progs(g->obj, fn, kind, &entry, &exit);
	e = attach(g, entry);
	if (e)
		return e;
	e = attach(g, exit);
	if (e)
		bpf_link__destroy(g->links[--g->n]);
	return e;
}

/*
 * Loads and attaches a late object hooking `fns` as `p` (a plan made now)
 * chose, and the kfree_skb program; kinds[] gets what each function got
 * (fentry falls back to kprobe where the kernel refuses to attach it).
 */
static int load_late(struct wr_nf_late *l, struct late_gen *g, unsigned fns,
		     const struct wr_hook_plan *p, enum wr_attach *kinds, char *msg, size_t len)
{
	struct bpf_program *prog, *entry, *exit;
	int f, e;

	g->obj = whyrefused_nf_bpf__open();
	if (!g->obj) {
		snprintf(msg, len, "cannot open the netfilter object: %s", strerror(errno));
		return -1;
	}
	bpf_object__for_each_program(prog, g->obj->obj)
		bpf_program__set_autoload(prog, false);
	bpf_program__set_autoload(l->plan->kfree_rx_sk ? g->obj->progs.kfree_skb_v4 :
				  g->obj->progs.kfree_skb_v3, true);
	for (f = 0; f < WR_FN_MAX; f++) {
		if (!(fns & WR_FN_BIT(f)))
			continue;
		fn_progs(g->obj, f, p->fn[f], &entry, &exit);
		bpf_program__set_autoload(entry, true);
		bpf_program__set_autoload(exit, true);
		if (p->fn[f] == WR_ATTACH_FENTRY && p->kprobe_standby) {
			fn_progs(g->obj, f, WR_ATTACH_KPROBE, &entry, &exit);
			bpf_program__set_autoload(entry, true);
			bpf_program__set_autoload(exit, true);
		}
	}
	copy_knobs(g->obj, l->skel);
	e = share_maps(g->obj, l->skel);
	if (!e)
		e = whyrefused_nf_bpf__load(g->obj);
	if (e) {
		snprintf(msg, len, "cannot load the netfilter hooks: %s", strerror(-e));
		goto fail;
	}
	for (f = 0; f < WR_FN_MAX; f++) {
		if (!(fns & WR_FN_BIT(f)))
			continue;
		kinds[f] = p->fn[f];
		e = attach_pair(g, f, kinds[f]);
		if (e && kinds[f] == WR_ATTACH_FENTRY && p->kprobe_standby) {
			kinds[f] = WR_ATTACH_KPROBE;
			e = attach_pair(g, f, kinds[f]);
		}
		if (e) {
			snprintf(msg, len, "cannot attach to %s: %s", wr_fn_names[f], strerror(-e));
			goto fail;
		}
	}
	e = attach(g, l->plan->kfree_rx_sk ? g->obj->progs.kfree_skb_v4 :
		   g->obj->progs.kfree_skb_v3);
	if (e) {
		snprintf(msg, len, "cannot attach kfree_skb: %s", strerror(-e));
		goto fail;
	}
	return 0;
fail:
	gen_destroy(g);
	return -1;
}

/* Modules that gained BTF since the last poll (built-in ones never change). */
static unsigned new_modules(struct wr_nf_late *l, struct wr_nf_modules *now)
{
	unsigned appeared = 0;
	int m;

	wr_nf_modules_read(NULL, "", now);
	for (m = 0; m < WR_MOD_MAX; m++) {
		if (l->mods.state[m] == WR_MOD_BUILTIN)
			now->state[m] = WR_MOD_BUILTIN;
		else if (wr_mod_usable(now->state[m]) && !wr_mod_usable(l->mods.state[m]))
			appeared |= 1u << m;
	}
	return appeared;
}

/* "nf_tables, ip_tables" for the modules in mask `mods`. */
static void mod_list(unsigned mods, char *buf, size_t len)
{
	size_t n = 0;
	int m;

	buf[0] = '\0';
	for (m = 0; m < WR_MOD_MAX; m++)
		if (mods & (1u << m))
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? ", " : "",
					      wr_nf_mod_names[m]);
}

int wr_nf_late_poll(struct wr_nf_late *l, char *msg, size_t len)
{
	struct wr_nf_modules now;
	struct wr_kernel_caps caps;
	struct wr_hook_plan p;
	struct late_gen g = { 0 };
	enum wr_attach kinds[WR_FN_MAX] = { 0 };
	struct btf *btf;
	unsigned appeared, want = 0;
	char err[256], names[64];
	int m, f, rc;

	if (l->gave_up)
		return 0;
	appeared = new_modules(l, &now);
	if (!appeared && !l->tries) {
		l->mods = now;		/* unloaded ones too: they may come back */
		return 0;
	}
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return 0;
	/* Choose as at start, now that the functions exist (kallsyms, module BTF). */
	wr_hooks_probe_caps(btf, &caps, false);
	rc = wr_hooks_plan(btf, &caps, l->plan->backend, &p, err, sizeof(err));
	btf__free(btf);
	if (rc)
		return 0;
	for (m = 0; m < WR_MOD_MAX; m++)
		if (wr_mod_usable(now.state[m]) && !(l->start_fns & WR_FN_BIT(mod_fn[m])) &&
		    (p.verdict_fns & WR_FN_BIT(mod_fn[m])))
			want |= WR_FN_BIT(mod_fn[m]);
	/* A kprobe on a module that was unloaded and came back is gone: attach again. */
	if (want == l->late_fns && !(appeared && l->late_fns)) {
		/* BTF is there before kallsyms lists the functions: try again soon. */
		if (appeared && ++l->tries < MAX_TRIES)
			return 0;
		l->mods = now;
		l->tries = 0;
		return 0;
	}
	if (load_late(l, &g, want, &p, kinds, err, sizeof(err))) {
		if (++l->tries < MAX_TRIES)
			return 0;
		l->gave_up = true;
		mod_list(appeared, names, sizeof(names));
		snprintf(msg, len, "%s loaded after start, but its verdict hooks could not be "
			 "attached (%s): tables are named on the client's retry", names, err);
		return -1;
	}
	/* From now on the late object reports firewall drops; the previous one goes. */
	l->skel->bss->nf_late_active = 1;
	gen_destroy(&l->gen);
	l->gen = g;
	l->late_fns = want;
	l->tries = 0;
	for (f = 0; f < WR_FN_MAX; f++)
		if (want & WR_FN_BIT(f)) {
			l->plan->fn[f] = kinds[f];
			l->plan->verdict = kinds[f];
		}
	l->plan->verdict_fns = (l->plan->verdict_fns & l->start_fns) | want;
	mod_list(appeared, names, sizeof(names));
	snprintf(msg, len, "%s loaded: verdict hooks attached, a blocked SYN's table is named "
		 "at its first refusal", names[0] ? names : "netfilter");
	l->mods = now;
	return 1;
}

void wr_nf_late_free(struct wr_nf_late *l)
{
	if (!l)
		return;
	gen_destroy(&l->gen);
	free(l);
}
