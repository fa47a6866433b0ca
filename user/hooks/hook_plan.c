// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The choice of hooks, from BTF and probed capabilities alone (nothing is
 * loaded here), so it is tested against kernels shaped like 6.18, 6.1, 5.10.
 */
#include "hooks.h"
#include "on_demand.h"

#include <stdio.h>
#include <string.h>

#include "kernel_names.h"
#include "whyrefused.h"

const char *const wr_fn_names[WR_FN_MAX] = {
	[WR_FN_TCP_V4_SEND_RESET] = "tcp_v4_send_reset",
	[WR_FN_TCP_V6_SEND_RESET] = "tcp_v6_send_reset",
	[WR_FN_TCP_CONN_REQUEST] = "tcp_conn_request",
	[WR_FN_TCP_V4_SYN_RECV_SOCK] = "tcp_v4_syn_recv_sock",
	[WR_FN_TCP_V6_SYN_RECV_SOCK] = "tcp_v6_syn_recv_sock",
	[WR_FN_NFT_DO_CHAIN] = "nft_do_chain",
	[WR_FN_IPT_DO_TABLE] = "ipt_do_table",
	[WR_FN_IP6T_DO_TABLE] = "ip6t_do_table",
};

#define RESET_FNS	(WR_FN_BIT(WR_FN_TCP_V4_SEND_RESET) | WR_FN_BIT(WR_FN_TCP_V6_SEND_RESET))
#define BACKLOG_FNS	(WR_FN_BIT(WR_FN_TCP_CONN_REQUEST) | \
			 WR_FN_BIT(WR_FN_TCP_V4_SYN_RECV_SOCK) | \
			 WR_FN_BIT(WR_FN_TCP_V6_SYN_RECV_SOCK))
#define VERDICT_FNS	(WR_FN_BIT(WR_FN_NFT_DO_CHAIN) | WR_FN_BIT(WR_FN_IPT_DO_TABLE) | \
			 WR_FN_BIT(WR_FN_IP6T_DO_TABLE))

/* Arguments of tracepoint `name` (without the leading ctx), or -1 if absent. */
static int tracepoint_nargs(const struct btf *btf, const char *name)
{
	char tname[128];
	const struct btf_type *t;
	int id;

	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	id = btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, id);
	t = btf__type_by_id(btf, t->type);	/* pointer */
	if (!t || !btf_is_ptr(t))
		return -1;
	t = btf__type_by_id(btf, t->type);	/* function prototype */
	if (!t || !btf_is_func_proto(t))
		return -1;
	return btf_vlen(t) - 1;
}

void wr_hooks_note(struct wr_hook_plan *plan, const char *note)
{
	if (plan->n_notes < WR_MAX_NOTES)
		plan->notes[plan->n_notes++] = note;
}

/*
 * The function hook for a group of functions: all of `need` (any of them
 * when `any`), fentry before kprobe, as far as `backend` allows. Sets *fns
 * to the functions hooked.
 */
static enum wr_attach choose_fn(const struct wr_kernel_caps *caps, enum wr_backend backend,
				unsigned need, bool any, unsigned *fns)
{
	unsigned fentry_ok = caps->callable & caps->btf & need;
	unsigned kprobe_ok = caps->callable & need;

	if ((backend == WR_BACKEND_AUTO || backend == WR_BACKEND_FENTRY) && caps->fentry &&
	    (any ? fentry_ok != 0 : fentry_ok == need)) {
		*fns = fentry_ok;
		return WR_ATTACH_FENTRY;
	}
	if ((backend == WR_BACKEND_AUTO || backend == WR_BACKEND_KPROBE) && caps->kprobe &&
	    (any ? kprobe_ok != 0 : kprobe_ok == need)) {
		*fns = kprobe_ok;
		return WR_ATTACH_KPROBE;
	}
	*fns = 0;
	return WR_ATTACH_NONE;
}

static void set_fns(struct wr_hook_plan *plan, unsigned fns, enum wr_attach a)
{
	int f;

	if (a != WR_ATTACH_FENTRY && a != WR_ATTACH_KPROBE && a != WR_ATTACH_NONE)
		return;
	for (f = 0; f < WR_FN_MAX; f++)
		if (fns & WR_FN_BIT(f))
			plan->fn[f] = a;
}

int wr_hooks_plan(const struct btf *btf, const struct wr_kernel_caps *caps,
		  enum wr_backend backend, struct wr_hook_plan *plan, char *err, size_t errlen)
{
	int kfree_args = tracepoint_nargs(btf, "kfree_skb");
	bool forced_fn = backend == WR_BACKEND_FENTRY || backend == WR_BACKEND_KPROBE;
	unsigned fns;

	memset(plan, 0, sizeof(*plan));
	plan->backend = backend;
	/* Every backend needs kfree_skb's reasons for firewall and other drops. */
	if (kfree_args < 3 ||
	    wr_btf_enum_value(btf, "skb_drop_reason", "SKB_DROP_REASON_NETFILTER_DROP") < 0) {
		snprintf(err, errlen, "this kernel's skb:kfree_skb tracepoint has no drop "
			 "reasons (NETFILTER_DROP needs Linux 5.18, or 5.15.58+)");
		return -1;
	}
	if (backend == WR_BACKEND_FENTRY && !caps->fentry) {
		snprintf(err, errlen, "--backend fentry: this kernel refuses fentry programs "
			 "(try --backend kprobe or tracepoint, or leave it on auto)");
		return -1;
	}
	if (backend == WR_BACKEND_KPROBE && !caps->kprobe) {
		snprintf(err, errlen, "--backend kprobe: this kernel has no kprobes "
			 "(CONFIG_KPROBES; try --backend fentry or tracepoint, or auto)");
		return -1;
	}
	plan->kfree_rx_sk = kfree_args >= 4;
	plan->replies = tracepoint_nargs(btf, "net_dev_queue") >= 1;
	plan->listeners = tracepoint_nargs(btf, "inet_sock_set_state") >= 3;
	/* Once per process or signal, never per packet: in every mode. */
	plan->process_ends = tracepoint_nargs(btf, "sched_process_exit") >= 1 &&
			     tracepoint_nargs(btf, "signal_generate") >= 5 &&
			     tracepoint_nargs(btf, "sched_process_exec") >= 1;
	if (!plan->process_ends)
		wr_hooks_note(plan, "no sched/signal tracepoints: a stopped service is not told "
			      "how it ended");
	/* Only a resent SYN-ACK passes it, never an accepted connection: every mode. */
	plan->handshakes = tracepoint_nargs(btf, "tcp_retransmit_synack") >= 2;

	plan->reset = choose_fn(caps, backend, RESET_FNS, false, &fns);
	if (plan->reset == WR_ATTACH_NONE) {
		if (tracepoint_nargs(btf, "tcp_send_reset") >= 3 &&
		    wr_btf_enum_value(btf, "sk_rst_reason", "SK_RST_REASON_NO_SOCKET") >= 0)
			plan->reset = WR_ATTACH_TRACEPOINT;
		else
			wr_hooks_note(plan, "no-listener refusals come from skb:kfree_skb NO_SOCKET "
				 "(tcp:tcp_send_reset reports them only on Linux 6.10+)");
		if (forced_fn)
			wr_hooks_note(plan, "tcp_v4_send_reset/tcp_v6_send_reset cannot be hooked "
				 "(inlined or missing): tracepoints used for no-listener refusals");
	}
	plan->backlog = choose_fn(caps, backend, BACKLOG_FNS, false, &fns);
	if (plan->backlog == WR_ATTACH_NONE) {
		/* The inference needs the SYN-ACKs that the replies hook notes. */
		if (plan->replies && tracepoint_nargs(btf, "consume_skb") >= 1)
			plan->backlog = WR_ATTACH_TRACEPOINT;
		if (forced_fn)
			wr_hooks_note(plan, "tcp_conn_request/tcp_v4_syn_recv_sock cannot be hooked: "
				 "full accept queues are inferred from skb:consume_skb");
	}
	if (backend != WR_BACKEND_TRACEPOINT) {
		plan->verdict = choose_fn(caps, backend, VERDICT_FNS, true, &fns);
		plan->verdict_fns = fns;
	}
	if (!plan->replies)
		wr_hooks_note(plan, "net:net_dev_queue is missing: firewall REJECT and DROP "
			 "cannot be told apart, both are firewall_blocked until the rule is named");
	set_fns(plan, RESET_FNS, plan->reset);
	set_fns(plan, BACKLOG_FNS, plan->backlog);
	set_fns(plan, plan->verdict_fns, plan->verdict);
	/* Some kernels load a fentry program but refuse to attach it to a function. */
	plan->kprobe_standby = caps->kprobe && backend != WR_BACKEND_TRACEPOINT;
	/* nf_reject_ipv4/ipv6 load after us, without BTF of their own at times: kprobes. */
	plan->reject_kprobes = caps->kprobe && backend != WR_BACKEND_TRACEPOINT;
	return 0;
}

void wr_hooks_default(const struct btf *btf, struct wr_hook_plan *plan)
{
	plan->default_mode = true;
	if (plan->replies)
		plan->on_demand |= WR_OD_REPLIES;
	if (plan->backlog == WR_ATTACH_TRACEPOINT)
		plan->on_demand |= WR_OD_BACKLOG;
	plan->listen_overflow_reason = wr_btf_enum_value(btf, "skb_drop_reason",
						 "SKB_DROP_REASON_TCP_LISTEN_OVERFLOW") >= 0;
	/* Per connection even where nothing is wrong: on demand, as consume_skb is. */
	if (plan->backlog == WR_ATTACH_FENTRY || plan->backlog == WR_ATTACH_KPROBE) {
		plan->backlog_fn = plan->backlog;
		plan->backlog = WR_ATTACH_NONE;
		plan->on_demand |= WR_OD_BACKLOG;
	}
	plan->replies = false;
	plan->listeners = false;
	if (plan->backlog == WR_ATTACH_TRACEPOINT)
		plan->backlog = WR_ATTACH_NONE;
	plan->icmp_replies = tracepoint_nargs(btf, "icmp_send") >= 3;
	/*
	 * nft_do_chain and ipt_do_table run for every packet through each base
	 * chain: with a stateful ruleset, 4 entry/exit pairs per connection and
	 * two thirds of this mode's cost (make vmbench). What they add is the
	 * table on the first SYN; the rule is named on the retry either way.
	 */
	if (plan->verdict != WR_ATTACH_NONE) {
		set_fns(plan, plan->verdict_fns, WR_ATTACH_NONE);
		plan->verdict = WR_ATTACH_NONE;
		plan->verdict_fns = 0;
		wr_hooks_note(plan, "the rule evaluators are not hooked (every packet passes "
			 "them; --all-hooks does): a blocked SYN's table and rule are named on "
			 "the client's retry");
	}
	wr_hooks_note(plan, "listeners are read with sock_diag each second (less often with "
		 "many namespaces), not as they change: a stop is timed between two polls; how "
		 "its process ended is exact");
	if (plan->reject_kprobes)
		wr_hooks_note(plan, "a REJECT's answer is seen where it is sent (kprobes on "
			 "nf_send_reset and nf_send_unreach, once nf_reject_ipv4/ipv6 are loaded)");
	else if (plan->on_demand & WR_OD_REPLIES)
		wr_hooks_note(plan, plan->icmp_replies ?
			 "a REJECT answered with a TCP reset or ICMPv6 is firewall_blocked on its "
			 "first SYN (icmp:icmp_send shows IPv4 ICMP answers); that attaches "
			 "net:net_dev_queue for 2 min, and the retries are told exactly" :
			 "a REJECT is firewall_blocked on its first SYN (no icmp:icmp_send before "
			 "Linux 6.10); that attaches net:net_dev_queue for 2 min, and the retries "
			 "are told exactly");
	if (plan->backlog_fn != WR_ATTACH_NONE)
		wr_hooks_note(plan, "a full accept queue is seen by the listener poll; that "
			 "attaches tcp_conn_request for 2 min and the SYNs it drops from then on "
			 "are reported (it runs for every connection: not before)");
	else if (plan->on_demand & WR_OD_BACKLOG)
		wr_hooks_note(plan, "a full accept queue is seen by the listener poll; that "
			 "attaches skb:consume_skb for 2 min and the SYNs it drops from then on "
			 "are reported (tcp_conn_request cannot be hooked here)");
	else if (plan->backlog == WR_ATTACH_NONE)
		wr_hooks_note(plan, "a SYN dropped for a full accept queue is not seen "
			 "(tcp_conn_request cannot be hooked here); its final-ACK drops are");
}

static const char *fn_prefix(enum wr_attach a, bool ret)
{
	if (a == WR_ATTACH_FENTRY)
		return ret ? "fentry+fexit" : "fentry";
	return ret ? "kprobe+kretprobe" : "kprobe";
}

/*
 * "fentry/tcp_v4_send_reset+tcp_v6_send_reset" into buf; a prefix is
 * repeated only where a function was hooked another way than the previous.
 */
static const char *fn_hook(char *buf, size_t len, const struct wr_hook_plan *plan, unsigned fns,
			   bool ret)
{
	const char *prev = NULL;
	size_t n = 0;
	int f;

	buf[0] = '\0';
	for (f = 0; f < WR_FN_MAX && n < len; f++) {
		const char *prefix;

		if (!(fns & WR_FN_BIT(f)) || plan->fn[f] == WR_ATTACH_NONE)
			continue;
		prefix = fn_prefix(plan->fn[f], ret);
		if (prefix != prev)
			n += (size_t)snprintf(buf + n, len - n, "%s%s/%s", prev ? "+" : "", prefix,
					      wr_fn_names[f]);
		else
			n += (size_t)snprintf(buf + n, len - n, "+%s", wr_fn_names[f]);
		prev = prefix;
	}
	return buf;
}

unsigned wr_hooks_backlog_fns(const struct wr_hook_plan *plan)
{
	/* On demand where kfree_skb reports final-ACK overflows itself: not twice. */
	if (plan->backlog_fn != WR_ATTACH_NONE && plan->listen_overflow_reason)
		return WR_FN_BIT(WR_FN_TCP_CONN_REQUEST);
	return BACKLOG_FNS;
}

/* "tp_btf/net_dev_queue,fentry/tcp_conn_request+...": what the default attaches on evidence. */
static const char *on_demand_hooks(char *buf, size_t len, const struct wr_hook_plan *plan)
{
	char fns[128];
	size_t n = 0;

	buf[0] = '\0';
	if (plan->on_demand & WR_OD_REPLIES)
		n += (size_t)snprintf(buf, len, "tp_btf/net_dev_queue");
	if (!(plan->on_demand & WR_OD_BACKLOG) || n >= len)
		return buf;
	if (plan->backlog_fn != WR_ATTACH_NONE)
		snprintf(buf + n, len - n, "%s%s", n ? "," : "",
			 fn_hook(fns, sizeof(fns), plan, wr_hooks_backlog_fns(plan), false));
	else
		snprintf(buf + n, len - n, "%stp_btf/consume_skb", n ? "," : "");
	return buf;
}

void wr_hooks_describe(const struct wr_hook_plan *plan, struct wr_start_info *s)
{
	static char reset[96], backlog[128], verdict[128], on_demand[256];
	size_t i;

	s->n_hooks = 0;
	if (plan->reset == WR_ATTACH_FENTRY || plan->reset == WR_ATTACH_KPROBE)
		fn_hook(reset, sizeof(reset), plan, RESET_FNS, false);
	else
		snprintf(reset, sizeof(reset), "%s", plan->reset == WR_ATTACH_TRACEPOINT ?
			 "tp_btf/tcp_send_reset" : "tp_btf/kfree_skb");
	s->hooks[s->n_hooks++] = (struct wr_hook_choice){ "no_socket", reset };
	s->hooks[s->n_hooks++] = (struct wr_hook_choice){ "drops", "tp_btf/kfree_skb" };
	if (plan->verdict != WR_ATTACH_NONE)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){
			"verdicts", fn_hook(verdict, sizeof(verdict), plan, plan->verdict_fns,
					    true) };
	if (plan->replies)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){ "replies", "tp_btf/net_dev_queue" };
	else if (plan->icmp_replies)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){ "replies", "tp_btf/icmp_send" };
	if (plan->listeners)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){
			"listeners", "raw_tp/inet_sock_set_state" };
	if (plan->process_ends)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){
			"process_ends", "raw_tp/sched_process_exit,signal_generate,sched_process_exec" };
	if (plan->backlog == WR_ATTACH_FENTRY || plan->backlog == WR_ATTACH_KPROBE)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){
			"backlog", fn_hook(backlog, sizeof(backlog), plan, wr_hooks_backlog_fns(plan),
					   false) };
	else if (plan->backlog == WR_ATTACH_TRACEPOINT)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){ "backlog", "tp_btf/consume_skb" };
	if (plan->default_mode && plan->reject_kprobes && plan->rejects)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){ "rejects", plan->rejects };
	if (plan->handshakes)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){
			"handshakes", "tp_btf/tcp_retransmit_synack" };
	if (plan->on_demand)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){ "on_demand",
			on_demand_hooks(on_demand, sizeof(on_demand), plan) };
	s->backend = wr_backend_name(plan->backend);
	s->mode = plan->default_mode ? "default" : "all-hooks";
	s->n_notes = 0;
	for (i = 0; i < plan->n_notes && i < sizeof(s->notes) / sizeof(s->notes[0]); i++)
		s->notes[s->n_notes++] = plan->notes[i];
}

const char *wr_hooks_source_name(const struct wr_hook_plan *plan, unsigned source, int family)
{
	static char buf[64];
	bool v6 = family == WR_AF_INET6;
	enum wr_fn fn;

	switch (source) {
	case WR_SRC_TCP_SEND_RESET:
		return "tcp:tcp_send_reset";
	case WR_SRC_CONSUME_SKB:
		return "skb:consume_skb";
	case WR_SRC_SYNACK_RTX:
		return "tcp:tcp_retransmit_synack";
	case WR_SRC_SEND_RESET_FN:
		fn = v6 ? WR_FN_TCP_V6_SEND_RESET : WR_FN_TCP_V4_SEND_RESET;
		break;
	case WR_SRC_CONN_REQUEST:
		fn = WR_FN_TCP_CONN_REQUEST;
		break;
	case WR_SRC_SYN_RECV_SOCK:
		fn = v6 ? WR_FN_TCP_V6_SYN_RECV_SOCK : WR_FN_TCP_V4_SYN_RECV_SOCK;
		break;
	default:
		return "skb:kfree_skb";
	}
	snprintf(buf, sizeof(buf), "%s/%s", fn_prefix(plan->fn[fn], false), wr_fn_names[fn]);
	return buf;
}

void wr_hooks_print_probe(FILE *f, const struct wr_kernel_caps *caps,
			  const struct wr_hook_plan *plan)
{
	struct wr_start_info s = { 0 };
	size_t i;
	int fn;

	fprintf(f, "fentry/fexit programs: %s\n", caps->fentry ? "allowed" : "refused");
	fprintf(f, "kprobes:               %s\n", caps->kprobe ? "available" : "not available");
	fprintf(f, "functions:\n");
	for (fn = 0; fn < WR_FN_MAX; fn++)
		fprintf(f, "  %-22s %s, %s\n", wr_fn_names[fn],
			caps->callable & WR_FN_BIT(fn) ? "callable" : "not in kallsyms",
			caps->btf & WR_FN_BIT(fn) ? "BTF" : "no BTF");
	wr_hooks_describe(plan, &s);
	fprintf(f, "would attach (--backend %s):\n", s.backend);
	for (i = 0; i < s.n_hooks; i++)
		fprintf(f, "  %-13s %s\n", s.hooks[i].signal, s.hooks[i].hook);
	for (i = 0; i < s.n_notes; i++)
		fprintf(f, "note: %s\n", s.notes[i]);
}
