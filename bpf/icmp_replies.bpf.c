// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --light: the ICMP answer of a REJECT without watching every packet that
 * leaves. nf_send_unreach() calls icmp_send() with the SYN itself, so
 * icmp:icmp_send (6.10+, IPv4 only) names the SYN directly, and fires only
 * when an ICMP error is actually sent (after the ICMP rate limit). It is
 * stored like replies.bpf.c's answers, for drops.bpf.c to consume.
 */
#include "syn.bpf.h"
#include <bpf/bpf_tracing.h>

SEC("tp_btf/icmp_send")
int BPF_PROG(icmp_send_reply, const struct sk_buff *skb, int type, int code)
{
	struct wr_reply_val r = { .reply = WR_REPLY_ICMP };
	struct wr_flow_key key = {};

	/* Rare (ICMP errors only), but UDP port unreachables come here too. */
	if (!skb->skb_iif || wr_parse_syn_btf(skb, &key.flow))
		return 0;
	r.icmp_type = type;
	r.icmp_code = code;
	/* The same netns the drop of this SYN will read (drops.bpf.c). */
	key.netns = wr_skb_netns(skb);
	wr_client_side(&key.flow);
	r.ts_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&replies, &key, &r, BPF_ANY);
	return 0;
}
