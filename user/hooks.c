// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The running kernel's side of the hook choice: what it lets us load and
 * which functions it has, then configuring and attaching the skeleton.
 */
#include "hooks.h"

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
static unsigned kallsyms_fns(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256];
	unsigned found = 0;
	int fn;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char type;

		if (sscanf(line, "%*s %c %255s", &type, name) != 2 || (type != 't' && type != 'T'))
			continue;
		for (fn = 0; fn < WR_FN_MAX; fn++)
			if (!strcmp(name, wr_fn_names[fn]))
				found |= WR_FN_BIT(fn);
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

void wr_hooks_probe_caps(const struct btf *vmlinux, struct wr_kernel_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->fentry = fentry_loads(vmlinux);
	caps->kprobe = access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0;
	caps->callable = kallsyms_fns();
	caps->btf = btf_fns(vmlinux);
}

/* A program and where its link goes, with the choice that enables it. */
struct prog_slot {
	struct bpf_program *prog;
	struct bpf_link **link;
	bool on;
};

static size_t slots(struct whyrefused_bpf *s, const struct wr_hook_plan *p, struct prog_slot *out)
{
	bool rf = p->reset == WR_ATTACH_FENTRY, rk = p->reset == WR_ATTACH_KPROBE;
	bool bf = p->backlog == WR_ATTACH_FENTRY, bk = p->backlog == WR_ATTACH_KPROBE;
	bool vf = p->verdict == WR_ATTACH_FENTRY, vk = p->verdict == WR_ATTACH_KPROBE;
	bool nft = p->verdict_fns & WR_FN_BIT(WR_FN_NFT_DO_CHAIN);
	bool ipt = p->verdict_fns & WR_FN_BIT(WR_FN_IPT_DO_TABLE);
	bool ip6t = p->verdict_fns & WR_FN_BIT(WR_FN_IP6T_DO_TABLE);
	size_t n = 0;

#define SLOT(name, cond) out[n++] = (struct prog_slot){ s->progs.name, &s->links.name, (cond) }
	SLOT(tcp_send_reset_no_socket, p->reset == WR_ATTACH_TRACEPOINT);
	SLOT(fentry_tcp_v4_send_reset, rf);
	SLOT(fentry_tcp_v6_send_reset, rf);
	SLOT(kprobe_tcp_v4_send_reset, rk);
	SLOT(kprobe_tcp_v6_send_reset, rk);
	SLOT(kfree_skb_v4, p->kfree_rx_sk);
	SLOT(kfree_skb_v3, !p->kfree_rx_sk);
	SLOT(net_dev_queue_reply, p->replies);
	SLOT(inet_sock_set_state_listen, p->listeners);
	SLOT(consume_skb_unanswered, p->backlog == WR_ATTACH_TRACEPOINT);
	SLOT(fentry_tcp_conn_request, bf);
	SLOT(fentry_tcp_v4_syn_recv_sock, bf);
	SLOT(fentry_tcp_v6_syn_recv_sock, bf);
	SLOT(kprobe_tcp_conn_request, bk);
	SLOT(kprobe_tcp_v4_syn_recv_sock, bk);
	SLOT(kprobe_tcp_v6_syn_recv_sock, bk);
	SLOT(fexit_nft_do_chain, vf && nft);
	SLOT(fexit_ipt_do_table, vf && ipt);
	SLOT(fexit_ip6t_do_table, vf && ip6t);
	SLOT(kprobe_nft_do_chain, vk && nft);
	SLOT(kretprobe_nft_do_chain, vk && nft);
	SLOT(kprobe_ipt_do_table, vk && ipt);
	SLOT(kretprobe_ipt_do_table, vk && ipt);
	SLOT(kprobe_ip6t_do_table, vk && ip6t);
	SLOT(kretprobe_ip6t_do_table, vk && ip6t);
#undef SLOT
	return n;
}

#define MAX_SLOTS 32

void wr_hooks_configure(struct whyrefused_bpf *skel, const struct wr_hook_plan *plan)
{
	struct prog_slot s[MAX_SLOTS];
	size_t i, n = slots(skel, plan, s);

	for (i = 0; i < n; i++)
		bpf_program__set_autoload(s[i].prog, s[i].on);
	skel->rodata->reset_hook_active = plan->reset != WR_ATTACH_NONE;
	skel->rodata->backlog_fn_active = plan->backlog == WR_ATTACH_FENTRY ||
					  plan->backlog == WR_ATTACH_KPROBE;
}

int wr_hooks_attach(struct whyrefused_bpf *skel, const struct wr_hook_plan *plan, char *err,
		    size_t errlen)
{
	struct prog_slot s[MAX_SLOTS];
	size_t i, n = slots(skel, plan, s);

	for (i = 0; i < n; i++) {
		if (!s[i].on)
			continue;
		*s[i].link = bpf_program__attach(s[i].prog);
		if (!*s[i].link) {
			int e = -errno;

			snprintf(err, errlen, "failed to attach %s: %s",
				 bpf_program__section_name(s[i].prog), strerror(-e));
			return e;
		}
	}
	return 0;
}
