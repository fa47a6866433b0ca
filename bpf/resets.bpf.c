// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * RST sent because no socket matched an incoming SYN.
 *
 * tcp:tcp_send_reset(sk, skb, reason) fires with sk == NULL and reason
 * NO_SOCKET for this case since 6.10. Read from raw_tp rather than tp_btf:
 * on 6.10-6.12 the verifier could drop NULL checks on this tracepoint's
 * arguments in tp_btf programs; BPF_CORE_READ survives that. The loader
 * only loads this program where the tracepoint has the reason argument.
 */
#include "syn.bpf.h"

SEC("raw_tp/tcp_send_reset")
int tcp_send_reset_no_socket(struct bpf_raw_tracepoint_args *ctx)
{
	const struct sock *sk = (const struct sock *)ctx->args[0];
	const struct sk_buff *skb = (const struct sk_buff *)ctx->args[1];
	__u32 reason = (__u32)ctx->args[2];
	struct wr_event ev = {};

	if (!bpf_core_enum_value_exists(enum sk_rst_reason, SK_RST_REASON_NO_SOCKET))
		return 0;
	if (sk || !skb || reason != bpf_core_enum_value(enum sk_rst_reason, SK_RST_REASON_NO_SOCKET))
		return 0;
	if (wr_parse_syn(skb, &ev.flow))
		return 0;
	wr_mark_own_rst(&ev.flow);
	ev.hdr.kind = WR_EV_RESET;
	ev.source = WR_SRC_TCP_SEND_RESET;
	ev.reason = reason;
	ev.netns = wr_skb_netns(skb);
	wr_report(skb, &ev);
	return 0;
}
