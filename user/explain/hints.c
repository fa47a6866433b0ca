// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "hints.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "blocker.h"
#include "explain.h"
#include "shell_quote.h"
#include "verdict.h"

static void add_related(struct wr_refusal *r, const struct wr_listener *l, enum wr_relation rel)
{
	if (r->n_related == WR_MAX_RELATED)
		return;
	r->related[r->n_related].l = *l;
	r->related[r->n_related].relation = rel;
	r->n_related++;
}

/* The same service at the same place: SO_REUSEPORT sockets, one answer to the user. */
static bool same_place(const struct wr_listener *a, const struct wr_listener *b)
{
	return a->netns == b->netns && a->family == b->family && a->port == b->port &&
	       a->pid == b->pid && a->bound_ifindex == b->bound_ifindex &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/*
 * The port list names a port and its program once, whatever the addresses
 * (a container's port holders, one per address family, are one program).
 */
static bool same_port_and_program(const struct wr_listener *a, const struct wr_listener *b)
{
	bool one_container = a->publishes.id[0] && !strcmp(a->publishes.id, b->publishes.id);

	return a->netns == b->netns && a->port == b->port && (a->pid == b->pid || one_container) &&
	       !strcmp(a->comm, b->comm);
}

/* True when an entry before `i` is `same` as entry `i`: it was listed already. */
static bool listed_before(const struct wr_inventory *inv, size_t i,
			  bool (*same)(const struct wr_listener *, const struct wr_listener *))
{
	size_t j;

	for (j = 0; j < i; j++)
		if (same(&inv->v[j], &inv->v[i]))
			return true;
	return false;
}

static void format_addr(int family, const uint8_t *addr, uint16_t port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, a, sizeof(a));
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

void wr_listener_describe(const struct wr_listener *l, char *buf, size_t len)
{
	char ep[INET6_ADDRSTRLEN + 10];

	format_addr(l->family, l->addr, l->port, ep, sizeof(ep));
	if (l->publishes.runtime[0]) {
		char who[96];

		wr_container_label(&l->publishes, who, sizeof(who));
		snprintf(buf, len, "%s (pid %u) on %s, the port published for %s", l->comm, l->pid,
			 ep, who);
	} else if (l->pid && l->unit[0])
		snprintf(buf, len, "%s (%s, pid %u) on %s", l->comm, l->unit, l->pid, ep);
	else if (l->pid)
		snprintf(buf, len, "%s (pid %u) on %s", l->comm, l->pid, ep);
	else
		snprintf(buf, len, "a process not found (socket inode %u) on %s", l->inode, ep);
}

void wr_format_ago(const struct timespec *then, const struct timespec *now, char *buf, size_t len)
{
	long long s = (long long)(now->tv_sec - then->tv_sec);

	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, len, "%lld s ago", s);
	else if (s < 7200)
		snprintf(buf, len, "%lld min ago", s / 60);
	else if (s < 172800)
		snprintf(buf, len, "%lld h ago", s / 3600);
	else
		snprintf(buf, len, "%lld days ago", s / 86400);
}

static bool is_v4_mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, prefix, 12);
}

bool wr_listener_accepts(const struct wr_listener *l, int family, const uint8_t *daddr)
{
	if (l->family == AF_INET)
		return family == AF_INET &&
		       (wr_addr_is_any(AF_INET, l->addr) || !memcmp(l->addr, daddr, 4));
	if (family == AF_INET6)
		return wr_addr_is_any(AF_INET6, l->addr) || !memcmp(l->addr, daddr, 16);
	/* An IPv4 SYN reaches an AF_INET6 socket only through v4-mapped addresses. */
	if (l->v6only)
		return false;
	if (wr_addr_is_any(AF_INET6, l->addr))
		return true;
	return is_v4_mapped(l->addr) && !memcmp(l->addr + 12, daddr, 4);
}

/* Why a listener on the refused port does not take this SYN. */
static void hint_other_address(struct wr_refusal *r, const struct wr_listener *l)
{
	char who[256];

	wr_listener_describe(l, who, sizeof(who));
	if (r->family == AF_INET && l->family == AF_INET6 && l->v6only)
		wr_add_hint(r, "%s, with IPV6_V6ONLY: it does not take IPv4 clients", who);
	else if (r->family == AF_INET && l->family == AF_INET6)
		wr_add_hint(r, "%s, an IPv6 address only: this client came over IPv4", who);
	else if (r->family == AF_INET6 && l->family == AF_INET)
		wr_add_hint(r, "%s, IPv4 only: this client came over IPv6", who);
	else
		wr_add_hint(r, "%s only, not on %s -- bound to the wrong address?", who, r->daddr);
}

/*
 * The lookup skips a socket bound to a device (SO_BINDTODEVICE, or a VRF)
 * unless the SYN came in on it; ss shows such a socket on 0.0.0.0 all the
 * same. (A VRF-bound socket also takes its slaves' SYNs, but then there is
 * no refusal to explain.)
 */
static bool device_ok(const struct wr_listener *l, const struct wr_refusal *r)
{
	return !l->bound_ifindex || l->bound_ifindex == r->ifindex;
}

static void hint_other_device(const struct wr_hint_ctx *ctx, struct wr_refusal *r,
			      const struct wr_listener *l)
{
	char who[256], bound[32], in[32];

	wr_listener_describe(l, who, sizeof(who));
	ctx->ifname(ctx->arg, r->netns, l->bound_ifindex, bound, sizeof(bound));
	ctx->ifname(ctx->arg, r->netns, r->ifindex, in, sizeof(in));
	wr_add_hint(r, "%s, bound to interface %s: this SYN came in on %s -- bound to the wrong "
		 "interface or VRF?", who, bound, in);
}

/* 2222 for 22, 8080 for 80, 5433 for 5432: a port someone meant. */
static bool port_looks_alike(uint16_t a, uint16_t b)
{
	char sa[8], sb[8];

	snprintf(sa, sizeof(sa), "%u", a);
	snprintf(sb, sizeof(sb), "%u", b);
	return abs((int)a - (int)b) <= 10 || strstr(sa, sb) || strstr(sb, sa);
}

static bool same_listener_slot(const struct wr_listener *l, const struct wr_refusal *r)
{
	return l->netns == r->netns && l->port == r->dport;
}

/*
 * The same owner: one process, or the port holders of one container
 * (docker-proxy runs one process per address family and port).
 */
static bool same_owner(const struct wr_listener *a, const struct wr_listener *b)
{
	if (a->publishes.id[0] || b->publishes.id[0])
		return !strcmp(a->publishes.id, b->publishes.id) &&
		       !strcmp(a->publishes.runtime, b->publishes.runtime);
	return a->pid == b->pid;
}

/* Published for a container other than the one that stopped (or for any, when none did)? */
static bool published_for_another(const struct wr_listener *l, const struct wr_listen_record *stop)
{
	return l->publishes.runtime[0] && !(stop && same_owner(l, &stop->l));
}

/* The newest history record of this netns and port, if it is a stop. */
static const struct wr_listen_record *last_stop(const struct wr_inventory *inv,
						const struct wr_refusal *r)
{
	const struct wr_listen_record *h, *o;
	size_t i;

	for (i = 0; (h = wr_inv_history(inv, i)) != NULL; i++)
		if (same_listener_slot(&h->l, r))
			break;
	if (!h || !h->stop)
		return NULL;
	/*
	 * A service stops all its sockets at once (sshd: 0.0.0.0 and [::]
	 * v6-only): the one that would have taken this SYN tells it best.
	 */
	for (size_t j = i; !wr_listener_accepts(&h->l, r->family, r->daddr_raw) &&
			   (o = wr_inv_history(inv, j)) != NULL; j++) {
		if (o->stop && same_listener_slot(&o->l, r) && same_owner(&o->l, &h->l) &&
		    h->ts.tv_sec - o->ts.tv_sec <= 1 &&
		    wr_listener_accepts(&o->l, r->family, r->daddr_raw))
			return o;
	}
	return h;
}

/*
 * Is `l` where the stopped service went? The same process still listening
 * elsewhere (a reload moved its port), or the same program that started
 * listening after the stop (restarted on another port). Other instances of
 * the program that were there all along are not.
 */
static bool took_over_from(const struct wr_inventory *inv, const struct wr_listener *l,
			   const struct wr_listen_record *stop)
{
	const struct wr_listen_record *h;
	size_t i;

	if (!l->pid)
		return false;
	if (l->pid == stop->l.pid)
		return true;
	if (strcmp(l->comm, stop->l.comm))
		return false;
	for (i = 0; (h = wr_inv_history(inv, i)) != NULL && h != stop; i++)
		if (!h->stop && wr_listener_same_socket(&h->l, l))
			return true;
	return false;
}

static void list_ports(struct wr_refusal *r, const struct wr_inventory *inv)
{
	char list[WR_TEXT_LEN] = "";
	size_t i, n = 0, shown = 0, total = 0;

	for (i = 0; i < inv->n; i++) {
		const struct wr_listener *l = &inv->v[i];
		char item[128];

		if (l->netns != r->netns || listed_before(inv, i, same_port_and_program))
			continue;
		total++;
		if (shown == 8 || n + sizeof(item) >= sizeof(list))
			continue;
		if (l->publishes.runtime[0])
			snprintf(item, sizeof(item), "%s%u (%s for container %s)", shown ? ", " : "",
				 l->port, l->comm,
				 l->publishes.name[0] ? l->publishes.name : l->publishes.id);
		else if (l->pid)
			snprintf(item, sizeof(item), "%s%u (%s)", shown ? ", " : "", l->port, l->comm);
		else
			snprintf(item, sizeof(item), "%s%u", shown ? ", " : "", l->port);
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s", item);
		shown++;
	}
	if (!total)
		wr_add_hint(r, "nothing listens on any TCP port in this network namespace");
	else
		wr_add_hint(r, "this network namespace listens on TCP port%s %s%s", total > 1 ? "s" : "",
			 list, total > shown ? ", ..." : "");
}

#define RESTART_WINDOW_S 120	/* stops this close together are a restart loop */
#define RESTART_LOOP 3		/* ... from this many on */

/* Does history record `h` stop the same service as `stop`? Its unit, or its program and port. */
static bool same_service(const struct wr_listen_record *h, const struct wr_listen_record *stop)
{
	if (stop->l.unit[0])
		return !strcmp(h->l.unit, stop->l.unit);
	return h->l.netns == stop->l.netns && h->l.port == stop->l.port &&
	       !strcmp(h->l.comm, stop->l.comm);
}

/*
 * How many processes of this service stopped listening lately (its sockets
 * count once), or how many times its container stopped (its port holders,
 * one per address family, stop together: once).
 */
static unsigned stops_lately(const struct wr_inventory *inv, const struct wr_listen_record *stop,
			     const struct timespec *now)
{
	const struct wr_listen_record *seen[64];
	unsigned n = 0, j;
	const struct wr_listen_record *h;

	for (size_t i = 0; (h = wr_inv_history(inv, i)) != NULL && n < 64; i++) {
		if (!h->stop || now->tv_sec - h->ts.tv_sec > RESTART_WINDOW_S ||
		    !same_service(h, stop))
			continue;
		for (j = 0; j < n; j++)
			if (seen[j]->l.pid == h->l.pid ||
			    (h->l.publishes.id[0] && same_owner(&seen[j]->l, &h->l) &&
			     labs((long)(seen[j]->ts.tv_sec - h->ts.tv_sec)) <= 2))
				break;
		if (j == n)
			seen[n++] = h;
	}
	return n;
}

static void clock_time(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;

	localtime_r(&ts->tv_sec, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

/*
 * The listener that was here stopped: how (its process's end, from the
 * kernel), when, by whom, which unit, and the commands to look further.
 */
static void hint_stop(const struct wr_hint_ctx *ctx, struct wr_refusal *r,
		      const struct wr_listen_record *stop)
{
	const struct wr_proc_end *end =
		ctx->ends ? wr_proc_ends_find(ctx->ends, stop->l.pid, &stop->after, &stop->ts) : NULL;
	char who[256], when[16], after[16], ago[32], what[192], look[2 * WR_QUOTED_LEN + 96] = "";
	const struct timespec *at = end ? &end->ts : &stop->ts;
	struct tm tm;
	unsigned n;

	r->has_last_listener = true;
	r->last_listener = *stop;
	if (end)	/* its process's end is exact; a poll only saw the socket gone later */
		r->last_listener.ts = end->ts;
	wr_listener_describe(&stop->l, who, sizeof(who));
	clock_time(at, when, sizeof(when));
	clock_time(&stop->after, after, sizeof(after));
	wr_format_ago(at, &ctx->now, ago, sizeof(ago));
	if (end) {
		r->last_end = *end;
		wr_proc_end_describe(end, what, sizeof(what));
	} else if (stop->l.pid && ctx->alive && ctx->alive(ctx->arg, stop->l.pid)) {
		r->last_end = (struct wr_proc_end){ .how = WR_END_CLOSED, .pid = stop->l.pid,
						    .ts = stop->ts };
		wr_proc_end_describe(&r->last_end, what, sizeof(what));
	}
	if (stop->l.unit[0]) {
		char since[32], unit[WR_QUOTED_LEN];

		localtime_r(&at->tv_sec, &tm);
		strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S", &tm);
		wr_shell_quote(stop->l.unit, unit, sizeof(unit));
		snprintf(look, sizeof(look), " -- journalctl -u %s --since '%s'; systemctl status %s",
			 unit, since, unit);
	}

	if (stop->l.publishes.runtime[0]) {
		/* Its port holder ended with it: the container stopped. */
		const struct wr_container *c = &stop->l.publishes;
		char label[96], name[WR_QUOTED_LEN], filter[WR_QUOTED_LEN], raw[80];

		/* The name is the container owner's choice: quoted for the shell. */
		wr_container_label(c, label, sizeof(label));
		wr_shell_quote(c->name[0] ? c->name : c->id, name, sizeof(name));
		snprintf(raw, sizeof(raw), "name=%s", c->name[0] ? c->name : c->id);
		wr_shell_quote(raw, filter, sizeof(filter));
		wr_add_hint(r, "%s, which published this port, stopped%s %s, %s (%s, pid %u, held "
			    "the port) -- %s ps --all --filter %s; %s logs %s", label,
			    stop->after.tv_sec && !end ? " by" : " at", when, ago, stop->l.comm,
			    stop->l.pid, c->runtime, filter, c->runtime, name);
	} else if (r->last_end.how != WR_END_NONE && (end || !stop->after.tv_sec)) {
		wr_add_hint(r, "%s %s at %s, %s%s", who, what, when, ago, look);
	} else if (r->last_end.how != WR_END_NONE) {	/* the default mode: closed, seen by a poll */
		wr_add_hint(r, "%s %s: it stopped listening between %s and %s, %s%s", who, what,
			    after, when, ago, look);
	} else if (stop->after.tv_sec) {	/* the default mode: seen gone by a poll */
		wr_add_hint(r, "%s stopped listening between %s and %s, %s -- service stopped or "
			    "crashed?%s", who, after, when, ago, look);
	} else {
		wr_add_hint(r, "%s stopped listening at %s, %s -- service stopped or crashed?%s",
			    who, when, ago, look);
	}

	n = stops_lately(ctx->inv, stop, &ctx->now);
	r->restarts = n;
	if (n >= RESTART_LOOP) {
		char name[96];

		if (stop->l.unit[0])
			snprintf(name, sizeof(name), "%s", stop->l.unit);
		else
			snprintf(name, sizeof(name), "%s on port %u", stop->l.comm, stop->l.port);
		wr_add_hint(r, "%s started and stopped %u times in the last %d min (last: %s)", name,
			    n, RESTART_WINDOW_S / 60, r->last_end.how ? what : "how is not known");
	}
}

/*
 * The listener the kernel's lookup would have given this SYN (its address,
 * family and device): one there means something refused the lookup itself
 * (an sk_lookup program, a SO_REUSEPORT group's program). A bound address
 * before a wildcard, as the kernel prefers.
 */
static const struct wr_listener *would_take(const struct wr_inventory *inv,
					    const struct wr_refusal *r)
{
	const struct wr_listener *any = NULL;

	for (size_t i = 0; i < inv->n; i++) {
		const struct wr_listener *l = &inv->v[i];

		if (!same_listener_slot(l, r) || !wr_listener_accepts(l, r->family, r->daddr_raw) ||
		    !device_ok(l, r))
			continue;
		if (!wr_addr_is_any(l->family, l->addr))
			return l;
		if (!any)
			any = l;
	}
	return any;
}

/*
 * A port holder that forwards to this address and port (docker-proxy), and
 * the SYN came from where it connects from (its network's gateway): the
 * SYN was its own connection, made for a client it had accepted. A client
 * DNAT'ed there keeps its own address.
 */
static const struct wr_listener *forwarder(const struct wr_inventory *inv,
					   const struct wr_refusal *r)
{
	const struct wr_listener *other = NULL;

	for (size_t i = 0; i < inv->n; i++) {
		const struct wr_listener *l = &inv->v[i];

		if (l->publishes.to_port != r->dport || !l->publishes.to_addr[0] ||
		    strcmp(l->publishes.to_addr, r->daddr) || strcmp(l->publishes.from_addr, r->saddr))
			continue;
		/*
		 * A published port's IPv4 and IPv6 proxies both connect to the
		 * container over its own family: the SYN cannot tell which one
		 * accepted the client. The proxy of the SYN's family first, so the
		 * answer does not depend on the order the proxies were found in.
		 */
		if (l->family == r->family)
			return l;
		if (!other)
			other = l;
	}
	return other;
}

static void hint_forwarded(struct wr_refusal *r, const struct wr_listener *proxy)
{
	char who[256];

	if (!proxy)
		return;
	add_related(r, proxy, WR_REL_FORWARDED_BY);
	wr_listener_describe(proxy, who, sizeof(who));
	wr_add_hint(r, "%s, accepted the client's connection and forwarded it here: refused, it "
		    "closed the client's connection -- the client (who dialled port %u) sees it "
		    "reset or closed (curl: Connection reset by peer, or Empty reply from server), "
		    "not refused", who, proxy->port);
}

/* Is network namespace `netns` a container that publishes a port (a port holder names it)? */
static bool container_publishes(const struct wr_hint_ctx *ctx, uint32_t netns)
{
	struct wr_container c;

	if (!ctx->netns_container || !ctx->netns_container(ctx->arg, netns, &c))
		return false;
	for (size_t i = 0; i < ctx->inv->n; i++) {
		const struct wr_container *p = &ctx->inv->v[i].publishes;

		if (p->id[0] && !strcmp(p->id, c.id) && !strcmp(p->runtime, c.runtime))
			return true;
	}
	return false;
}

void wr_hints_no_listener(const struct wr_hint_ctx *ctx, struct wr_refusal *r)
{
	const struct wr_inventory *inv = ctx->inv;
	const struct wr_listen_record *stop = last_stop(inv, r);
	const struct wr_listener *taker;
	char who[256], ns[128];
	bool alike_port = false;
	size_t i;

	/* What listens nearby, in words: the facts this stage alone can read. */
	r->n_hints = 0;
	r->listeners_looked = true;
	/* The kernel's lookup is the truth: with a listener there, never "nothing listens". */
	if ((taker = would_take(inv, r)) != NULL) {
		wr_blocker_lookup_refused(r, taker);
		return;
	}
	if (!r->nat.found)
		hint_forwarded(r, forwarder(inv, r));
	if (stop)
		hint_stop(ctx, r, stop);
	for (i = 0; i < inv->n; i++) {
		const struct wr_listener *l = &inv->v[i];

		if (!same_listener_slot(l, r) || listed_before(inv, i, same_place))
			continue;
		if (!wr_listener_accepts(l, r->family, r->daddr_raw)) {
			add_related(r, l, WR_REL_OTHER_ADDRESS);
			hint_other_address(r, l);
		} else if (!device_ok(l, r)) {
			add_related(r, l, WR_REL_OTHER_DEVICE);
			hint_other_device(ctx, r, l);
		}
	}
	/*
	 * A listener on this port elsewhere is "a container whose port is not
	 * forwarded" only if nothing forwarded this SYN here: when DNAT in
	 * another namespace sent it to this one, the port is forwarded, to here.
	 */
	for (i = 0; i < inv->n && !(r->nat.found && r->nat.netns != r->netns); i++) {
		const struct wr_listener *l = &inv->v[i];

		if (l->netns == r->netns || l->port != r->dport || listed_before(inv, i, same_place))
			continue;
		if (container_publishes(ctx, l->netns))
			continue;
		add_related(r, l, WR_REL_OTHER_NETNS);
		wr_listener_describe(l, who, sizeof(who));
		ctx->netns_label(ctx->arg, l->netns, ns, sizeof(ns));
		wr_add_hint(r, "%s in another network namespace, %s -- a container whose port is "
			 "not published or forwarded?", who, ns);
	}
	for (i = 0; i < inv->n; i++) {
		const struct wr_listener *l = &inv->v[i];
		bool same_program = stop && took_over_from(inv, l, stop);

		if (l->netns != r->netns || l->port == r->dport || listed_before(inv, i, same_place))
			continue;
		/* Only a port this client could reach is a "wrong port" answer. */
		if (!wr_listener_accepts(l, r->family, r->daddr_raw) || !device_ok(l, r))
			continue;
		if (!same_program && !port_looks_alike(l->port, r->dport))
			continue;
		/* Another container's published port is that container's, not a wrong port. */
		if (published_for_another(l, stop))
			continue;
		add_related(r, l, WR_REL_OTHER_PORT);
		wr_listener_describe(l, who, sizeof(who));
		wr_add_hint(r, "%s -- wrong port?", who);
		alike_port = true;
	}
	if (!alike_port)
		list_ports(r, inv);
}

void wr_no_listener_words(struct wr_refusal *r)
{
	char ep[WR_ADDR_STRLEN + 24], first[WR_TEXT_LEN] = "";

	if (!r->listeners_looked)
		return;
	for (size_t i = 0; i < r->n_related; i++) {
		const struct wr_listener *proxy = &r->related[i].l;

		if (r->related[i].relation != WR_REL_FORWARDED_BY)
			continue;
		snprintf(r->explanation, WR_TEXT_LEN,
			 "no socket listens on %s; the kernel answered with RST the connection %s "
			 "made for a client of its own", wr_server_endpoint(r, ep, sizeof(ep)),
			 proxy->comm);
		/* docker-proxy closes the client's connection: a reset once the client has sent data. */
		r->client_sees = "a connection accepted, then reset or closed by the proxy";
		break;
	}
	if (r->n_hints)
		snprintf(first, sizeof(first), "%s", r->hints[0]);
	if (first[0]) {
		size_t n = strlen(r->explanation);

		snprintf(r->explanation + n, WR_TEXT_LEN - n, "; %s", first);
	}
}

const struct wr_listener *wr_reached_listener(const struct wr_inventory *inv,
					      const struct wr_refusal *r)
{
	const struct wr_listener *any = NULL;
	size_t i;

	/* The kernel prefers a socket bound to the address over a wildcard. */
	for (i = 0; i < inv->n; i++) {
		const struct wr_listener *l = &inv->v[i];

		if (l->netns != r->netns || l->port != r->dport ||
		    !wr_listener_accepts(l, r->family, r->daddr_raw))
			continue;
		if (!wr_addr_is_any(l->family, l->addr))
			return l;
		if (!any)
			any = l;
	}
	return any;
}

void wr_hints_backlog(const struct wr_hint_ctx *ctx, struct wr_refusal *r,
		      const struct wr_listener *target, uint64_t overflows)
{
	bool final_ack = r->reason && !strcmp(r->reason, "TCP_LISTEN_OVERFLOW");

	(void)ctx;
	r->n_related = 0;
	r->queue_looked = true;
	r->listen_overflows = overflows;
	if (target)
		add_related(r, target, WR_REL_TARGET);
	/* The kernel said so, or the counter and the queue say so. */
	if (final_ack || r->queue_full_seen ||
	    (target && (overflows || target->rqueue > target->wqueue)))
		r->reason = final_ack ? "TCP_LISTEN_OVERFLOW" : "LISTEN_OVERFLOW";
	else
		r->reason = "LISTEN_DROP";
}

/* The listener a SYN reached, if hints.c found it (backlog, handshake). */
static const struct wr_listener *target_of(const struct wr_refusal *r)
{
	return r->n_related && r->related[0].relation == WR_REL_TARGET ? &r->related[0].l : NULL;
}

static void backlog_full(struct wr_refusal *r, const struct wr_listener *target,
			 const char *who, uint64_t overflows, bool final_ack)
{
	const char *what = final_ack ? "the handshake's final ACK; the client's connect() "
				       "succeeded but the server stays silent until the queue "
				       "drains" :
				       "the SYN; the client sees a slow connect or a timeout";
	char endpoint[WR_ADDR_STRLEN + 24];

	r->client_sees = final_ack ? "a stalled connection (connect() succeeded)" :
				     "Connection timed out";
	if (target) {
		snprintf(r->explanation, WR_TEXT_LEN,
			 "the accept queue of %s is full (%u waiting, backlog %u): the kernel "
			 "dropped %s", who, target->rqueue, target->wqueue, what);
	} else {
		snprintf(r->explanation, WR_TEXT_LEN,
			 "the accept queue of the listener on %s is full: the kernel dropped %s",
			 wr_server_endpoint(r, endpoint, sizeof(endpoint)), what);
	}
	wr_add_hint(r, "the program does not call accept() fast enough, or its listen() "
		 "backlog is too small (capped by net.core.somaxconn)");
	if (overflows)
		wr_add_hint(r, "ListenOverflows in this network namespace rose by %llu",
			 (unsigned long long)overflows);
}

void wr_backlog_words(struct wr_refusal *r)
{
	const struct wr_listener *target = target_of(r);
	char who[256] = "";

	if (!r->queue_looked)
		return;
	r->n_hints = 0;
	if (target)
		wr_listener_describe(target, who, sizeof(who));
	if (wr_cause_of(r) == WR_CAUSE_BACKLOG_FULL) {
		backlog_full(r, target, who, r->listen_overflows,
			     !strcmp(r->reason, "TCP_LISTEN_OVERFLOW"));
		return;
	}
	r->client_sees = "Connection timed out";
	if (target)
		snprintf(r->explanation, WR_TEXT_LEN,
			 "%s took the SYN but sent no SYN-ACK (SYN queue full without syncookies, "
			 "or a security module); the client usually sees a timeout", who);
	else
		snprintf(r->explanation, WR_TEXT_LEN,
			 "a listener took the SYN but sent no SYN-ACK; the client usually sees a "
			 "timeout");
}

void wr_hints_handshake(const struct wr_hint_ctx *ctx, struct wr_refusal *r,
			const struct wr_listener *target)
{
	(void)ctx;
	if (target)
		add_related(r, target, WR_REL_TARGET);
}

void wr_handshake_words(struct wr_refusal *r)
{
	const struct wr_listener *target = target_of(r);
	char who[256];

	if (wr_cause_of(r) != WR_CAUSE_HANDSHAKE_INCOMPLETE || !target)
		return;
	wr_listener_describe(target, who, sizeof(who));
	wr_add_hint(r, "the listener that answered: %s", who);
}
