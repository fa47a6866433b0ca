// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The running kernel's side of the hook choice: what it lets us load and
 * which functions it has, then configuring and attaching the skeleton.
 */
#include "hooks.h"
#include "on_demand.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "whyrefused.skel.h"

/* Functions in modules carry their BTF in /sys/kernel/btf/<module>. */
static const char *const fn_modules[WR_FN_MAX] = {
	[WR_FN_NFT_DO_CHAIN] = "nf_tables",
	[WR_FN_IPT_DO_TABLE] = "ip_tables",
	[WR_FN_IP6T_DO_TABLE] = "ip6_tables",
};

static int find_fn(const struct btf *btf, const char *name)
{
	return btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
}

/* Some kernels refuse fentry (lockdown, sandboxes): ask by loading one. */
static bool fentry_loads(const struct btf *vmlinux)
{
	const struct bpf_insn prog[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 },	/* r0 = 0 */
		{ .code = 0x95 },				/* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY);
	int id = find_fn(vmlinux, "tcp_v4_send_reset"), fd;

	if (id < 0)
		id = find_fn(vmlinux, "tcp_conn_request");
	if (id < 0)
		return false;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "wr_probe", "GPL", prog, 2, &opts);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Functions callable by their own name: a ".isra.0" copy cannot be hooked by it. */
static unsigned kallsyms_fns(unsigned *rejects)
{
	static char buf[1 << 16];	/* 120k lines: fewer, larger reads */
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256];
	unsigned found = 0;
	int fn;

	if (!f)
		return 0;
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	while (fgets(line, sizeof(line), f)) {
		char type;

		if (sscanf(line, "%*s %c %255s", &type, name) != 2 || (type != 't' && type != 'T'))
			continue;
		for (fn = 0; fn < WR_FN_MAX; fn++)
			if (!strcmp(name, wr_fn_names[fn]))
				found |= WR_FN_BIT(fn);
		if (!strcmp(name, "nf_send_reset"))
			*rejects |= 1;
		else if (!strcmp(name, "nf_send_reset6"))
			*rejects |= 2;
	}
	fclose(f);
	return found;
}

static unsigned btf_fns(const struct btf *vmlinux)
{
	unsigned found = 0;
	int fn;

	for (fn = 0; fn < WR_FN_MAX; fn++) {
		char path[128];
		struct btf *mod;

		if (find_fn(vmlinux, wr_fn_names[fn]) >= 0) {
			found |= WR_FN_BIT(fn);
			continue;
		}
		if (!fn_modules[fn])
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", fn_modules[fn]);
		mod = btf__parse_split(path, (struct btf *)vmlinux);
		if (!mod)
			continue;
		if (find_fn(mod, wr_fn_names[fn]) >= 0)
			found |= WR_FN_BIT(fn);
		btf__free(mod);
	}
	return found;
}

void wr_hooks_probe_caps(const struct btf *vmlinux, struct wr_kernel_caps *caps, bool all)
{
	memset(caps, 0, sizeof(*caps));
	caps->fentry = fentry_loads(vmlinux);
	caps->kprobe = access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0;
	/* Reading all of kallsyms is most of our startup: only when it can matter. */
	if (all || caps->fentry || caps->kprobe)
		caps->callable = kallsyms_fns(&caps->rejects);
	/*
	 * Only fentry needs the functions' BTF: each one is a scan of the
	 * kernel's BTF (and of a module's, parsed for it), 10 ms in all.
	 */
	if (all || caps->fentry)
		caps->btf = btf_fns(vmlinux);
}

/*
 * A program and where its link goes. Function hooks name their function and
 * kind; the others are on when `on` says so.
 */
struct prog_slot {
	struct bpf_program *prog;
	struct bpf_link **link;
	int fn;			/* enum wr_fn, or -1 */
	enum wr_attach kind;	/* for function hooks: FENTRY or KPROBE */
	bool on;
};

#define MAX_SLOTS 40

static size_t slots(struct whyrefused_bpf *s, const struct wr_hook_plan *p, struct prog_slot *out)
{
	size_t n = 0;

#define TP(name, cond) \
	out[n++] = (struct prog_slot){ s->progs.name, &s->links.name, -1, WR_ATTACH_NONE, (cond) }
#define FN(name, f, k) \
	out[n++] = (struct prog_slot){ s->progs.name, &s->links.name, (f), (k), false }
	TP(tcp_send_reset_no_socket, p->reset == WR_ATTACH_TRACEPOINT);
	TP(kfree_skb_v4, p->kfree_rx_sk);
	TP(kfree_skb_v3, !p->kfree_rx_sk);
	TP(net_dev_queue_reply, p->replies || (p->on_demand & WR_OD_REPLIES));
	TP(icmp_send_reply, p->icmp_replies);
	TP(inet_sock_set_state_listen, p->listeners);
	TP(signal_generate_owner, p->process_ends);
	TP(sched_process_exit_owner, p->process_ends);
	TP(sched_process_exec_owner, p->process_ends);
	TP(synack_retransmitted, p->handshakes);
	TP(consume_skb_unanswered, p->backlog == WR_ATTACH_TRACEPOINT ||
				   (p->on_demand & WR_OD_BACKLOG));
	FN(fentry_tcp_v4_send_reset, WR_FN_TCP_V4_SEND_RESET, WR_ATTACH_FENTRY);
	FN(fentry_tcp_v6_send_reset, WR_FN_TCP_V6_SEND_RESET, WR_ATTACH_FENTRY);
	FN(fentry_tcp_conn_request, WR_FN_TCP_CONN_REQUEST, WR_ATTACH_FENTRY);
	FN(fentry_tcp_v4_syn_recv_sock, WR_FN_TCP_V4_SYN_RECV_SOCK, WR_ATTACH_FENTRY);
	FN(fentry_tcp_v6_syn_recv_sock, WR_FN_TCP_V6_SYN_RECV_SOCK, WR_ATTACH_FENTRY);
	FN(fentry_nft_do_chain, WR_FN_NFT_DO_CHAIN, WR_ATTACH_FENTRY);
	FN(fexit_nft_do_chain, WR_FN_NFT_DO_CHAIN, WR_ATTACH_FENTRY);
	FN(fentry_ipt_do_table, WR_FN_IPT_DO_TABLE, WR_ATTACH_FENTRY);
	FN(fexit_ipt_do_table, WR_FN_IPT_DO_TABLE, WR_ATTACH_FENTRY);
	FN(fentry_ip6t_do_table, WR_FN_IP6T_DO_TABLE, WR_ATTACH_FENTRY);
	FN(fexit_ip6t_do_table, WR_FN_IP6T_DO_TABLE, WR_ATTACH_FENTRY);
	FN(kprobe_tcp_v4_send_reset, WR_FN_TCP_V4_SEND_RESET, WR_ATTACH_KPROBE);
	FN(kprobe_tcp_v6_send_reset, WR_FN_TCP_V6_SEND_RESET, WR_ATTACH_KPROBE);
	FN(kprobe_tcp_conn_request, WR_FN_TCP_CONN_REQUEST, WR_ATTACH_KPROBE);
	FN(kprobe_tcp_v4_syn_recv_sock, WR_FN_TCP_V4_SYN_RECV_SOCK, WR_ATTACH_KPROBE);
	FN(kprobe_tcp_v6_syn_recv_sock, WR_FN_TCP_V6_SYN_RECV_SOCK, WR_ATTACH_KPROBE);
	FN(kprobe_nft_do_chain, WR_FN_NFT_DO_CHAIN, WR_ATTACH_KPROBE);
	FN(kretprobe_nft_do_chain, WR_FN_NFT_DO_CHAIN, WR_ATTACH_KPROBE);
	FN(kprobe_ipt_do_table, WR_FN_IPT_DO_TABLE, WR_ATTACH_KPROBE);
	FN(kretprobe_ipt_do_table, WR_FN_IPT_DO_TABLE, WR_ATTACH_KPROBE);
	FN(kprobe_ip6t_do_table, WR_FN_IP6T_DO_TABLE, WR_ATTACH_KPROBE);
	FN(kretprobe_ip6t_do_table, WR_FN_IP6T_DO_TABLE, WR_ATTACH_KPROBE);
#undef TP
#undef FN
	return n;
}

/* Loaded: chosen, or the kprobe twin kept in reserve for a fentry choice. */
static bool wanted(const struct wr_hook_plan *p, const struct prog_slot *s)
{
	if (s->fn < 0)
		return s->on;
	return p->fn[s->fn] == s->kind ||
	       (s->kind == WR_ATTACH_KPROBE && p->fn[s->fn] == WR_ATTACH_FENTRY &&
		p->kprobe_standby);
}

void wr_hooks_configure(struct whyrefused_bpf *skel, const struct wr_hook_plan *plan)
{
	struct prog_slot s[MAX_SLOTS];
	size_t i, n = slots(skel, plan, s);
	/* Attached by reject_hooks.c, when their module is there. */
	struct bpf_program *rejects[] = {
		skel->progs.kprobe_nf_send_reset, skel->progs.kprobe_nf_send_reset6,
		skel->progs.kprobe_nf_send_unreach, skel->progs.kprobe_nf_send_unreach6,
		skel->progs.kprobe_nf_reject_skb_v4_tcp_reset,
		skel->progs.kprobe_nf_reject_skb_v6_tcp_reset,
		skel->progs.kprobe_nf_reject_skb_v4_unreach,
		skel->progs.kprobe_nf_reject_skb_v6_unreach,
	};

	for (i = 0; i < n; i++)
		bpf_program__set_autoload(s[i].prog, wanted(plan, &s[i]));
	for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++)
		bpf_program__set_autoload(rejects[i], plan->default_mode && plan->reject_kprobes);
	skel->rodata->reset_hook_active = plan->reset != WR_ATTACH_NONE;
	skel->rodata->backlog_fn_active = plan->backlog == WR_ATTACH_FENTRY ||
					  plan->backlog == WR_ATTACH_KPROBE;
}

static int attach_slot(struct prog_slot *s)
{
	*s->link = bpf_program__attach(s->prog);
	return *s->link ? 0 : -errno;
}

/* fentry refused for `fn`: its kprobe twins instead. */
static int fall_back_to_kprobe(struct wr_hook_plan *plan, struct prog_slot *s, size_t n, int fn,
			       int why)
{
	size_t i;
	int e;

	if (!plan->kprobe_standby)
		return why;
	for (i = 0; i < n; i++)		/* the entry half of an entry/exit pair */
		if (s[i].fn == fn && s[i].kind == WR_ATTACH_FENTRY && *s[i].link) {
			bpf_link__destroy(*s[i].link);
			*s[i].link = NULL;
		}
	for (i = 0; i < n; i++)
		if (s[i].fn == fn && s[i].kind == WR_ATTACH_KPROBE && (e = attach_slot(&s[i])))
			return e;
	plan->fn[fn] = WR_ATTACH_KPROBE;
	if (!plan->attach_note[0] && plan->n_notes < WR_MAX_NOTES) {
		snprintf(plan->attach_note, sizeof(plan->attach_note),
			 "the kernel refused fentry on %s (%s): kprobe used", wr_fn_names[fn],
			 strerror(-why));
		plan->notes[plan->n_notes++] = plan->attach_note;
	}
	return 0;
}

/* A backlog function hook the default attaches on demand. */
static bool backlog_fn_slot(const struct wr_hook_plan *plan, const struct prog_slot *s)
{
	return s->fn >= 0 && plan->backlog_fn != WR_ATTACH_NONE &&
	       (wr_hooks_backlog_fns(plan) & WR_FN_BIT(s->fn) ||
		s->fn == WR_FN_TCP_V4_SYN_RECV_SOCK || s->fn == WR_FN_TCP_V6_SYN_RECV_SOCK);
}

/* A program loaded for wr_hooks_on_demand(), not attached at start. */
static bool on_demand_slot(const struct whyrefused_bpf *skel, const struct wr_hook_plan *plan,
			   const struct prog_slot *s)
{
	return (s->prog == skel->progs.net_dev_queue_reply && !plan->replies) ||
	       (s->prog == skel->progs.consume_skb_unanswered &&
		plan->backlog != WR_ATTACH_TRACEPOINT) ||
	       backlog_fn_slot(plan, s);
}

/* The backlog function hooks on (fentry falling back to kprobe, as at start) or off. */
static int backlog_fns_switch(struct whyrefused_bpf *skel, struct wr_hook_plan *plan, bool on)
{
	struct prog_slot s[MAX_SLOTS];
	size_t i, n = slots(skel, plan, s);
	unsigned fns = wr_hooks_backlog_fns(plan);
	int e;

	for (i = 0; i < n; i++) {
		if (s[i].fn < 0 || !(fns & WR_FN_BIT(s[i].fn)))
			continue;
		if (!on) {
			bpf_link__destroy(*s[i].link);
			*s[i].link = NULL;
			continue;
		}
		if (plan->fn[s[i].fn] != s[i].kind || *s[i].link)
			continue;
		e = attach_slot(&s[i]);
		if (e && s[i].kind == WR_ATTACH_FENTRY)
			e = fall_back_to_kprobe(plan, s, n, s[i].fn, e);
		if (e) {
			backlog_fns_switch(skel, plan, false);
			return e;
		}
	}
	plan->backlog = on ? plan->backlog_fn : WR_ATTACH_NONE;
	return 0;
}

int wr_hooks_attach(struct whyrefused_bpf *skel, struct wr_hook_plan *plan, char *err,
		    size_t errlen)
{
	struct prog_slot s[MAX_SLOTS];
	size_t i, n = slots(skel, plan, s);
	int e;

	for (i = 0; i < n; i++) {
		bool chosen = s[i].fn < 0 ? s[i].on : plan->fn[s[i].fn] == s[i].kind;

		if (on_demand_slot(skel, plan, &s[i]))
			continue;	/* loaded now, attached on evidence */

		if (!chosen || *s[i].link)	/* or attached already as a fallback */
			continue;
		e = attach_slot(&s[i]);
		if (e && s[i].kind == WR_ATTACH_FENTRY)
			e = fall_back_to_kprobe(plan, s, n, s[i].fn, e);
		if (e) {
			snprintf(err, errlen, "failed to attach %s: %s",
				 bpf_program__section_name(s[i].prog), strerror(-e));
			return e;
		}
	}
	return 0;
}

/* Replies first and gone last: the backlog inference reads the SYN-ACKs they note. */
int wr_hooks_on_demand(struct whyrefused_bpf *skel, struct wr_hook_plan *plan, unsigned hooks,
		       bool on)
{
	struct bpf_link **replies = &skel->links.net_dev_queue_reply;
	struct bpf_link **backlog = &skel->links.consume_skb_unanswered;

	hooks &= plan->on_demand;
	if ((hooks & WR_OD_BACKLOG) && plan->backlog_fn != WR_ATTACH_NONE) {
		int e = backlog_fns_switch(skel, plan, on);

		if (e || hooks == WR_OD_BACKLOG)
			return e;
		hooks &= ~WR_OD_BACKLOG;
	}
	if (!on) {
		if ((hooks & WR_OD_BACKLOG) && *backlog) {
			bpf_link__destroy(*backlog);
			*backlog = NULL;
			plan->backlog = WR_ATTACH_NONE;
		}
		if ((hooks & WR_OD_REPLIES) && *replies) {
			bpf_link__destroy(*replies);
			*replies = NULL;
			plan->replies = false;
		}
		return 0;
	}
	if ((hooks & WR_OD_REPLIES) && !*replies) {
		*replies = bpf_program__attach(skel->progs.net_dev_queue_reply);
		if (!*replies)
			return -errno;
		plan->replies = true;
	}
	if ((hooks & WR_OD_BACKLOG) && !*backlog) {
		*backlog = bpf_program__attach(skel->progs.consume_skb_unanswered);
		if (!*backlog)
			return -errno;
		plan->backlog = WR_ATTACH_TRACEPOINT;
	}
	return 0;
}
