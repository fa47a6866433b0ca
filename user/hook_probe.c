// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The choice of hooks, from BTF alone (no program loaded), so it can be
 * tested against BTF recorded from, or shaped like, other kernels.
 */
#include "hooks.h"

#include <stdio.h>
#include <string.h>

#include "kernel_names.h"

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

int wr_hooks_probe(const struct btf *btf, struct wr_hook_plan *plan, char *err, size_t errlen)
{
	int kfree_args = tracepoint_nargs(btf, "kfree_skb");

	memset(plan, 0, sizeof(*plan));
	if (kfree_args < 3 ||
	    wr_btf_enum_value(btf, "skb_drop_reason", "SKB_DROP_REASON_NETFILTER_DROP") < 0) {
		snprintf(err, errlen, "this kernel's skb:kfree_skb tracepoint has no drop "
			 "reasons (NETFILTER_DROP needs Linux 5.18, or 5.15.58+)");
		return -1;
	}
	plan->kfree_rx_sk = kfree_args >= 4;
	plan->reset_tp = tracepoint_nargs(btf, "tcp_send_reset") >= 3 &&
			 wr_btf_enum_value(btf, "sk_rst_reason", "SK_RST_REASON_NO_SOCKET") >= 0;
	if (!plan->reset_tp)
		plan->note = "tcp:tcp_send_reset has no no-socket reason on this kernel "
			     "(Linux 6.10+): no-listener refusals come from skb:kfree_skb NO_SOCKET";
	plan->replies = tracepoint_nargs(btf, "net_dev_queue") >= 1;
	if (!plan->replies)
		plan->note = "net:net_dev_queue is missing: firewall REJECT and DROP "
			     "cannot be told apart, both are reported as firewall_drop";
	plan->listeners = tracepoint_nargs(btf, "inet_sock_set_state") >= 3;
	/* Needs the SYN-ACKs that replies.bpf.c notes. */
	plan->unanswered = plan->replies && tracepoint_nargs(btf, "consume_skb") >= 1;
	return 0;
}

void wr_hooks_describe(const struct wr_hook_plan *plan, struct wr_start_info *s)
{
	s->n_hooks = 0;
	s->hooks[s->n_hooks++] = (struct wr_hook_choice){
		"no_socket", plan->reset_tp ? "raw_tp/tcp_send_reset" : "raw_tp/kfree_skb" };
	s->hooks[s->n_hooks++] = (struct wr_hook_choice){ "drops", "raw_tp/kfree_skb" };
	if (plan->replies)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){ "replies", "raw_tp/net_dev_queue" };
	if (plan->listeners)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){
			"listeners", "raw_tp/inet_sock_set_state" };
	if (plan->unanswered)
		s->hooks[s->n_hooks++] = (struct wr_hook_choice){ "backlog", "raw_tp/consume_skb" };
	s->fallback_note = plan->note;
}
