// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "event_decode.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

const char *wr_enum_lookup(const struct wr_enum_table *t, uint32_t value)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->entries[i].value == value)
			return t->entries[i].name;
	return NULL;
}

int wr_decode_event(const struct wr_decode_ctx *ctx, const struct wr_event *ev,
		    struct wr_refusal *r)
{
	int64_t real = (int64_t)ev->ts_ns + ctx->mono_to_real_ns;
	const struct wr_enum_table *names;

	memset(r, 0, sizeof(*r));
	if (ev->kind != WR_EV_RESET && ev->kind != WR_EV_DROP)
		return -1;
	if (ev->flow.family == WR_AF_INET)
		r->family = AF_INET;
	else if (ev->flow.family == WR_AF_INET6)
		r->family = AF_INET6;
	else
		return -1;
	if (!inet_ntop(r->family, &ev->flow.saddr, r->saddr, sizeof(r->saddr)) ||
	    !inet_ntop(r->family, &ev->flow.daddr, r->daddr, sizeof(r->daddr)))
		return -1;

	r->ts.tv_sec = real / 1000000000LL;
	r->ts.tv_nsec = real % 1000000000LL;
	r->kind = ev->kind;
	r->source = ev->source;
	r->sport = ev->flow.sport;
	r->dport = ev->flow.dport;
	r->netns = ev->netns;
	r->ifindex = ev->ifindex;
	r->retries = ev->retries;
	r->reply = ev->reply;
	r->icmp_type = ev->icmp_type;
	r->icmp_code = ev->icmp_code;

	/* tcp_send_reset carries an sk_rst_reason, kfree_skb an skb_drop_reason. */
	names = ev->source == WR_SRC_TCP_SEND_RESET ? &ctx->rst_reasons : &ctx->drop_reasons;
	r->reason = wr_enum_lookup(names, ev->reason);
	if (!r->reason)
		r->reason = "UNKNOWN";
	if (ev->location && ctx->symbolize)
		r->location = ctx->symbolize(ctx->symbolize_arg, ev->location);
	return 0;
}
