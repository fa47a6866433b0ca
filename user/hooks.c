// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "hooks.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "whyrefused.skel.h"

void wr_hooks_configure(struct whyrefused_bpf *skel, const struct wr_hook_plan *plan)
{
	bpf_program__set_autoload(skel->progs.tcp_send_reset_no_socket, plan->reset_tp);
	bpf_program__set_autoload(skel->progs.kfree_skb_v4, plan->kfree_rx_sk);
	bpf_program__set_autoload(skel->progs.kfree_skb_v3, !plan->kfree_rx_sk);
	bpf_program__set_autoload(skel->progs.net_dev_queue_reply, plan->replies);
	bpf_program__set_autoload(skel->progs.inet_sock_set_state_listen, plan->listeners);
	bpf_program__set_autoload(skel->progs.consume_skb_unanswered, plan->unanswered);
	skel->rodata->reset_hook_active = plan->reset_tp;
}

static int attach_one(struct bpf_program *prog, struct bpf_link **link, const char *what,
		      char *err, size_t errlen)
{
	*link = bpf_program__attach(prog);
	if (!*link) {
		int e = -errno;

		snprintf(err, errlen, "failed to attach %s: %s", what, strerror(-e));
		return e;
	}
	return 0;
}

int wr_hooks_attach(struct whyrefused_bpf *skel, const struct wr_hook_plan *plan, char *err,
		    size_t errlen)
{
	int e;

	if (plan->reset_tp &&
	    (e = attach_one(skel->progs.tcp_send_reset_no_socket,
			    &skel->links.tcp_send_reset_no_socket, "raw_tp/tcp_send_reset",
			    err, errlen)))
		return e;
	if (plan->kfree_rx_sk)
		e = attach_one(skel->progs.kfree_skb_v4, &skel->links.kfree_skb_v4,
			       "raw_tp/kfree_skb", err, errlen);
	else
		e = attach_one(skel->progs.kfree_skb_v3, &skel->links.kfree_skb_v3,
			       "raw_tp/kfree_skb", err, errlen);
	if (e)
		return e;
	if (plan->replies &&
	    (e = attach_one(skel->progs.net_dev_queue_reply, &skel->links.net_dev_queue_reply,
			    "raw_tp/net_dev_queue", err, errlen)))
		return e;
	if (plan->listeners &&
	    (e = attach_one(skel->progs.inet_sock_set_state_listen,
			    &skel->links.inet_sock_set_state_listen, "raw_tp/inet_sock_set_state",
			    err, errlen)))
		return e;
	if (plan->unanswered &&
	    (e = attach_one(skel->progs.consume_skb_unanswered,
			    &skel->links.consume_skb_unanswered, "raw_tp/consume_skb", err, errlen)))
		return e;
	return 0;
}
