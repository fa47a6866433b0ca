// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The words of a --watch-client report, text and JSON (client_watch.h,
 * watch_words.h). Pure: the caller names namespaces.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "watch_words.h"
#include "shell_quote.h"

#define BEFORE_HOST "the block is before this host: a cloud security group, a router ACL, " \
		    "the client's firewall, or the client dials another address"

static void conn_str(const struct wr_watch_syn *s, char *buf, size_t len)
{
	char c[INET6_ADDRSTRLEN] = "?", d[INET6_ADDRSTRLEN] = "?";
	bool v6 = s->family == AF_INET6;

	inet_ntop(s->family, s->client, c, sizeof(c));
	inet_ntop(s->family, s->server, d, sizeof(d));
	snprintf(buf, len, v6 ? "[%s]:%u -> [%s]:%u" : "%s:%u -> %s:%u", c, s->client_port, d,
		 s->server_port);
}

static const char *fate_words(const struct wr_watch_syn *s, char *buf, size_t len)
{
	switch (s->fate) {
	case WR_FATE_ACCEPTED:
		return "accepted: a SYN-ACK went back";
	case WR_FATE_REFUSED:
		return s->cause[0] ? (snprintf(buf, len, "refused: an RST went back (%s, reported "
				      "above)", s->cause), buf) : "refused: an RST went back";
	case WR_FATE_REJECTED:
		snprintf(buf, len, "rejected: an ICMP%s unreachable (code %u) went back%s%s%s",
			 s->family == AF_INET6 ? "v6" : "", s->icmp_code,
			 s->cause[0] ? " (" : "", s->cause, s->cause[0] ? ", reported above)" : "");
		return buf;
	default:
		if (s->cause[0]) {
			snprintf(buf, len, "dropped here, no answer went back (%s, reported above)",
				 s->cause);
			return buf;
		}
		return "no answer went back: dropped without a report (an XDP or tc program, "
		       "a full queue) or still in flight";
	}
}

void wr_watch_verdict(const struct wr_watch *w, bool reached, char *buf, size_t len)
{
	char who[64];

	wr_watch_addr_str(&w->who, who, sizeof(who));
	if (reached)
		snprintf(buf, len, "%llu SYN%s from %s reached this host (%zu connection%s)",
			 (unsigned long long)w->syns_total, w->syns_total == 1 ? "" : "s", who,
			 w->n_syn, w->n_syn == 1 ? "" : "s");
	else if (w->n_xdp)
		snprintf(buf, len, "no SYN from %s reached this host's kernel: an XDP program "
			 "below drops packets before any tap sees them and may be the block; "
			 "else " BEFORE_HOST, who);
	else
		snprintf(buf, len, "no SYN from %s reached this host: " BEFORE_HOST, who);
}

static void xdp_line(const struct wr_watch_xdp *x, const char *ns, char *buf, size_t len)
{
	char holder[128] = "held by no process found", dev[WR_QUOTED_LEN];

	if (x->pid)
		snprintf(holder, sizeof(holder), "held by pid %u (%s%s%s)", x->pid, x->comm,
			 x->unit[0] ? ", " : "", x->unit);
	snprintf(buf, len, "XDP program %s (id %u, %s, %s) on %s in %s: %sbpftool net show "
		 "dev %s", x->program[0] ? x->program : "?", x->id, x->mode, holder, x->ifname,
		 ns, x->ns_prefix, wr_shell_quote(x->ifname, dev, sizeof(dev)));
}

size_t wr_watch_text(const struct wr_watch *w, bool reached, uint64_t now_ms,
		     wr_watch_label_fn *label_netns, void *arg, char *buf, size_t len)
{
	char line[1024], ns[192], conn[128], fate[192];
	size_t n;

	wr_watch_verdict(w, reached, line, sizeof(line));
	n = (size_t)snprintf(buf, len, "WATCH    %s; watched %llu s in %u namespace%s", line,
			     (unsigned long long)((now_ms - w->started_ms + 500) / 1000),
			     w->namespaces, w->namespaces == 1 ? "" : "s");
	for (size_t i = 0; i < w->n_syn && n < len; i++) {
		const struct wr_watch_syn *s = &w->syn[i];

		label_netns(arg, s->netns, ns, sizeof(ns));
		conn_str(s, conn, sizeof(conn));
		n += (size_t)snprintf(buf + n, len - n, "\n         %s on %s in %s: %u SYN%s, %s",
				      conn, s->ifname[0] ? s->ifname : "?", ns, s->syns,
				      s->syns == 1 ? "" : "s", fate_words(s, fate, sizeof(fate)));
	}
	if (w->syns_untracked && n < len)
		n += (size_t)snprintf(buf + n, len - n, "\n         and %llu SYNs of more "
				      "connections", (unsigned long long)w->syns_untracked);
	for (size_t i = 0; i < w->n_xdp && n < len; i++) {
		label_netns(arg, w->xdp[i].netns, ns, sizeof(ns));
		xdp_line(&w->xdp[i], ns, line, sizeof(line));
		n += (size_t)snprintf(buf + n, len - n, "\n         %s", line);
	}
	return n < len ? n : len - 1;
}

static void json_conn(struct jw *j, const struct wr_watch_syn *s, const char *ns)
{
	char a[INET6_ADDRSTRLEN] = "";

	jw_object_begin(j);
	jw_field_uint(j, "netns", s->netns);
	jw_field_string(j, "netns_label", ns);
	jw_field_string(j, "dev", s->ifname);
	jw_field_string(j, "family", s->family == AF_INET ? "ipv4" : "ipv6");
	inet_ntop(s->family, s->client, a, sizeof(a));
	jw_field_string(j, "saddr", a);
	jw_field_uint(j, "sport", s->client_port);
	inet_ntop(s->family, s->server, a, sizeof(a));
	jw_field_string(j, "daddr", a);
	jw_field_uint(j, "dport", s->server_port);
	jw_field_uint(j, "syns", s->syns);
	jw_field_string(j, "fate", wr_watch_fate_name(s->fate));
	if (s->cause[0])
		jw_field_string(j, "cause", s->cause);
	if (s->fate == WR_FATE_REJECTED) {
		jw_key(j, "icmp");
		jw_object_begin(j);
		jw_field_uint(j, "type", s->icmp_type);
		jw_field_uint(j, "code", s->icmp_code);
		jw_object_end(j);
	}
	jw_object_end(j);
}

static void json_xdp(struct jw *j, const struct wr_watch_xdp *x, const char *ns)
{
	char cmd[256], dev[WR_QUOTED_LEN];

	jw_object_begin(j);
	jw_field_uint(j, "netns", x->netns);
	jw_field_string(j, "netns_label", ns);
	jw_field_string(j, "dev", x->ifname);
	jw_field_string(j, "mode", x->mode);
	jw_field_uint(j, "id", x->id);
	jw_field_string(j, "program", x->program);
	if (x->pid) {
		jw_field_uint(j, "pid", x->pid);
		jw_field_string(j, "comm", x->comm);
		if (x->unit[0])
			jw_field_string(j, "unit", x->unit);
	}
	/* The device is a word the shell reads back as it is, whoever named it. */
	snprintf(cmd, sizeof(cmd), "%sbpftool net show dev %s", x->ns_prefix,
		 wr_shell_quote(x->ifname, dev, sizeof(dev)));
	jw_field_string(j, "command", cmd);
	jw_object_end(j);
}

void wr_watch_json(struct jw *j, const struct wr_watch *w, bool reached, uint64_t now_ms,
		   wr_watch_label_fn *label_netns, void *arg)
{
	char who[64], ns[192], verdict[1024];

	wr_watch_addr_str(&w->who, who, sizeof(who));
	jw_field_string(j, "client", who);
	jw_field_string(j, "verdict", reached ? "reached" : "none_arrived");
	jw_field_uint(j, "watched_ms", now_ms - w->started_ms);
	jw_field_uint(j, "namespaces", w->namespaces);
	if (w->namespaces_failed)
		jw_field_uint(j, "namespaces_failed", w->namespaces_failed);
	jw_field_uint(j, "syns", w->syns_total);
	jw_key(j, "connections");
	jw_array_begin(j);
	for (size_t i = 0; i < w->n_syn; i++) {
		label_netns(arg, w->syn[i].netns, ns, sizeof(ns));
		json_conn(j, &w->syn[i], ns);
	}
	jw_array_end(j);
	if (w->syns_untracked)
		jw_field_uint(j, "syns_untracked", w->syns_untracked);
	jw_key(j, "xdp");
	jw_array_begin(j);
	for (size_t i = 0; i < w->n_xdp; i++) {
		label_netns(arg, w->xdp[i].netns, ns, sizeof(ns));
		json_xdp(j, &w->xdp[i], ns);
	}
	jw_array_end(j);
	wr_watch_verdict(w, reached, verdict, sizeof(verdict));
	jw_field_string(j, "explanation", verdict);
}
