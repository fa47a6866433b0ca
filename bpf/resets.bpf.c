// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * RST sent because no socket matched an incoming SYN.
 *
 * tcp:tcp_send_reset(sk, skb, reason) fires with sk == NULL and reason
 * NO_SOCKET for this case since 6.10. A tp_btf program, so the skb fields
 * are plain loads (this runs for every refused SYN of a flood), but it never
 * tests `sk`: on 6.10-6.12 the verifier took tp_btf pointer arguments for
 * non-NULL and could drop such a test. NO_SOCKET on a pure SYN is the
 * no-socket answer on its own. The loader only loads this program where the
 * tracepoint has the reason argument.
 */
#include "syn.bpf.h"
#include <bpf/bpf_tracing.h>

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(tcp_send_reset_no_socket, const struct sock *sk, const struct sk_buff *skb,
	     enum sk_rst_reason reason)
{
	struct wr_event ev = {};

	if (!bpf_core_enum_value_exists(enum sk_rst_reason, SK_RST_REASON_NO_SOCKET))
		return 0;
	if ((__u32)reason != bpf_core_enum_value(enum sk_rst_reason, SK_RST_REASON_NO_SOCKET))
		return 0;
	if (!skb)
		return 0;
	ev.netns = wr_skb_netns_btf(skb);	/* before any branch: see wr_skb_netns_btf() */
	if (wr_parse_syn_btf(skb, &ev.flow))
		return 0;
	wr_mark(&own_rst, &ev.flow);
	ev.hdr.kind = WR_EV_RESET;
	ev.source = WR_SRC_TCP_SEND_RESET;
	ev.reason = reason;
	ev.ifindex = skb->skb_iif;
	wr_report(&ev);
	return 0;
}
