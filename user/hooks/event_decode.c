// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "event_decode.h"

#include <arpa/inet.h>
#include <stdio.h>
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

static int decode_location(const struct wr_decode_ctx *ctx, const struct wr_event *ev,
			   struct wr_refusal *r)
{
	if (ev->location && ctx->symbolize)
		r->location = ctx->symbolize(ctx->symbolize_arg, ev->location);
	return 0;
}

int wr_decode_event(const struct wr_decode_ctx *ctx, const struct wr_event *ev,
		    struct wr_refusal *r)
{
	int64_t real = (int64_t)ev->hdr.ts_ns + ctx->mono_to_real_ns;
	const struct wr_enum_table *names;

	memset(r, 0, sizeof(*r));
	if (ev->hdr.kind != WR_EV_RESET && ev->hdr.kind != WR_EV_DROP &&
	    ev->hdr.kind != WR_EV_UNANSWERED && ev->hdr.kind != WR_EV_HANDSHAKE)
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

	memcpy(r->daddr_raw, &ev->flow.daddr, sizeof(r->daddr_raw));
	memcpy(r->saddr_raw, &ev->flow.saddr, sizeof(r->saddr_raw));
	r->ts.tv_sec = real / 1000000000LL;
	r->ts.tv_nsec = real % 1000000000LL;
	r->kind = ev->hdr.kind;
	r->source = ev->source;
	r->sport = ev->flow.sport;
	r->dport = ev->flow.dport;
	r->netns = ev->netns;
	r->ifindex = ev->ifindex;
	r->retries = ev->retries;
	r->reply = ev->reply;
	r->icmp_type = ev->icmp_type;
	r->icmp_code = ev->icmp_code;
	r->nf_backend = ev->nf_backend;
	r->nf_hook = ev->nf_hook;
	memcpy(r->nf_table, ev->nf_table, sizeof(r->nf_table));
	r->nf_table[sizeof(r->nf_table) - 1] = '\0';
	memcpy(r->nf_chain, ev->nf_chain, sizeof(r->nf_chain));
	r->nf_chain[sizeof(r->nf_chain) - 1] = '\0';

	/* NAT seen in the SYN's own conntrack, in the namespace that dropped it. */
	if (ev->nat && inet_ntop(r->family, &ev->nat_daddr, r->nat.daddr, sizeof(r->nat.daddr))) {
		r->nat.found = true;
		r->nat.netns = ev->netns;
		memcpy(r->nat.daddr_raw, &ev->nat_daddr, sizeof(r->nat.daddr_raw));
		r->nat.dport = ev->nat_dport;
		snprintf(r->nat.to_daddr, sizeof(r->nat.to_daddr), "%s", r->daddr);
		r->nat.to_dport = r->dport;
	}
	if (ev->source == WR_SRC_CONN_REQUEST || ev->source == WR_SRC_SYN_RECV_SOCK) {
		r->queue_full_seen = true;
		r->queue = ev->queue;
		r->max_queue = ev->max_queue;
	}
	/* The final ACK a full queue turned away: what 6.15+ calls TCP_LISTEN_OVERFLOW. */
	if (ev->source == WR_SRC_SYN_RECV_SOCK) {
		r->kind = WR_EV_DROP;
		r->reason = "TCP_LISTEN_OVERFLOW";
		return decode_location(ctx, ev, r);
	}

	/* No kernel reason exists for it either: the SYN-ACKs resent say it. */
	if (ev->hdr.kind == WR_EV_HANDSHAKE) {
		r->synack_rtx = ev->synack_rtx;
		r->reason = "SYNACK_UNACKED";
		return 0;
	}
	/* tcp_send_reset carries an sk_rst_reason, kfree_skb an skb_drop_reason. */
	names = ev->source == WR_SRC_TCP_SEND_RESET ? &ctx->rst_reasons : &ctx->drop_reasons;
	if (ev->hdr.kind == WR_EV_UNANSWERED)
		r->reason = "LISTEN_DROP";	/* no kernel reason exists; hints.c refines */
	else
		r->reason = wr_enum_lookup(names, ev->reason);
	if (!r->reason)
		r->reason = "UNKNOWN";
	return decode_location(ctx, ev, r);
}

static struct timespec real_time(const struct wr_decode_ctx *ctx, uint64_t mono_ns)
{
	int64_t real = (int64_t)mono_ns + ctx->mono_to_real_ns;

	return (struct timespec){ .tv_sec = real / 1000000000LL, .tv_nsec = real % 1000000000LL };
}

int wr_decode_proc(const struct wr_decode_ctx *ctx, const struct wr_proc_event *ev,
		   struct wr_proc_end *e)
{
	struct timespec sent;

	memset(e, 0, sizeof(*e));
	if (ev->hdr.kind != WR_EV_PROC_END && ev->hdr.kind != WR_EV_PROC_EXEC)
		return -1;
	e->ts = real_time(ctx, ev->hdr.ts_ns);
	e->pid = ev->pid;
	if (ev->hdr.kind == WR_EV_PROC_EXEC) {
		e->how = WR_END_EXEC;
		memcpy(e->comm, ev->comm, sizeof(e->comm));
		e->comm[sizeof(e->comm) - 1] = '\0';
		return 0;
	}
	if (ev->has_note) {	/* the last signal sent to it, and by whom */
		e->by_known = true;
		e->by_pid = ev->note.sender_pid;
		e->by_uid = ev->note.sender_uid;
		e->signal = (int)ev->note.signal;
		memcpy(e->by_comm, ev->note.sender_comm, sizeof(e->by_comm));
		e->by_comm[sizeof(e->by_comm) - 1] = '\0';
	}
	sent = real_time(ctx, ev->note.ts_ns);
	wr_proc_end_from_exit(e, ev->exit_code, ev->oom, ev->has_note ? &sent : NULL);
	return 0;
}

int wr_decode_listen(const struct wr_decode_ctx *ctx, const struct wr_listen_event *ev,
		     struct wr_listen_record *rec)
{
	int64_t real = (int64_t)ev->hdr.ts_ns + ctx->mono_to_real_ns;

	memset(rec, 0, sizeof(*rec));
	if (ev->hdr.kind != WR_EV_LISTEN && ev->hdr.kind != WR_EV_UNLISTEN)
		return -1;
	if (ev->family == WR_AF_INET)
		rec->l.family = AF_INET;
	else if (ev->family == WR_AF_INET6)
		rec->l.family = AF_INET6;
	else
		return -1;
	rec->ts.tv_sec = real / 1000000000LL;
	rec->ts.tv_nsec = real % 1000000000LL;
	rec->stop = ev->hdr.kind == WR_EV_UNLISTEN;
	memcpy(rec->l.addr, &ev->addr, sizeof(rec->l.addr));
	rec->l.port = ev->port;
	rec->l.netns = ev->netns;
	rec->l.pid = ev->pid;
	rec->l.wqueue = ev->backlog;
	rec->l.bound_ifindex = ev->bound_ifindex;
	rec->l.v6only = rec->l.family == AF_INET6 && (ev->flags & WR_LISTEN_V6ONLY);
	memcpy(rec->l.comm, ev->comm, sizeof(rec->l.comm));
	rec->l.comm[sizeof(rec->l.comm) - 1] = '\0';
	return 0;
}
