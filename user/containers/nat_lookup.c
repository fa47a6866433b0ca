// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nat_lookup.h"
#include "container_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

#include "clock.h"
#include "docker_state.h"
#include "nat.h"

#define MAX_NETNS_SEARCHED	64
#define SEARCHES_PER_SEC	20
#define MAX_WATCHED		256
#define RECENT			256	/* translated entries destroyed lately */
#define RECENT_MS		5000
#define DESTROY_WAIT_MS		15	/* after a refusal, how long its RST may take back */

struct watch {
	uint32_t inode;
	struct nfct_handle *h;
	struct wr_nat_finder *f;
	bool seen;		/* still in the namespace list */
};

/* A translated entry destroyed lately, by the reply tuple that finds it. */
struct recent {
	struct wr_ct_entry e;
	uint8_t reply_daddr[16];
	uint16_t reply_dport;
	uint32_t netns;
	long long ms;
};

struct wr_nat_finder {
	struct watch w[MAX_WATCHED];
	size_t nw;
	struct recent recent[RECENT];
	size_t next;
	int epfd;
	double tokens;
	struct timespec last;
	uint64_t skipped;
};

/* An IPv6 address attribute, or zeros: a message may lack it (NULL). */
static void copy_ip6(uint8_t *dst, const struct nf_conntrack *ct, enum nf_conntrack_attr type)
{
	const void *a = nfct_get_attr(ct, type);

	if (a)
		memcpy(dst, a, 16);
	else
		memset(dst, 0, 16);
}

/* The tuples we compare, from a libnetfilter_conntrack object. */
static void read_entry(const struct nf_conntrack *ct, struct wr_ct_entry *e,
		       uint8_t *reply_daddr, uint16_t *reply_dport)
{
	e->family = nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO);
	if (e->family == AF_INET6) {
		copy_ip6(e->orig_daddr, ct, ATTR_ORIG_IPV6_DST);
		copy_ip6(e->reply_saddr, ct, ATTR_REPL_IPV6_SRC);
		if (reply_daddr)
			copy_ip6(reply_daddr, ct, ATTR_REPL_IPV6_DST);
	} else {
		uint32_t a = nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_DST);

		memcpy(e->orig_daddr, &a, 4);
		a = nfct_get_attr_u32(ct, ATTR_REPL_IPV4_SRC);
		memcpy(e->reply_saddr, &a, 4);
		a = nfct_get_attr_u32(ct, ATTR_REPL_IPV4_DST);
		if (reply_daddr)
			memcpy(reply_daddr, &a, 4);
	}
	e->orig_dport = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST));
	e->reply_sport = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_SRC));
	if (reply_dport)
		*reply_dport = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_DST));
}

static bool translated(const struct wr_ct_entry *e)
{
	size_t alen = e->family == AF_INET6 ? 16 : 4;

	return memcmp(e->orig_daddr, e->reply_saddr, alen) || e->orig_dport != e->reply_sport;
}

/* A TCP entry in state CLOSE was destroyed: keep it if it was translated. */
static int on_destroy(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *data)
{
	struct watch *w = data;
	struct recent r;

	read_entry(ct, &r.e, r.reply_daddr, &r.reply_dport);
	if (translated(&r.e)) {
		r.netns = w->inode;
		r.ms = wr_now_ms();
		w->f->recent[w->f->next++ % RECENT] = r;
	}
	return NFCT_CB_CONTINUE;
}

static int open_watch(const void *arg)
{
	struct watch *w = (struct watch *)arg;
	struct nfct_filter_proto closed = { IPPROTO_TCP, TCP_CONNTRACK_CLOSE };
	struct nfct_filter *filter;

	w->h = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_DESTROY);
	if (!w->h)
		return -errno;
	filter = nfct_filter_create();
	if (filter) {
		nfct_filter_add_attr_u32(filter, NFCT_FILTER_L4PROTO, IPPROTO_TCP);
		nfct_filter_add_attr(filter, NFCT_FILTER_L4PROTO_STATE, &closed);
		nfct_filter_attach(nfct_fd(w->h), filter);
		nfct_filter_destroy(filter);
	}
	fcntl(nfct_fd(w->h), F_SETFL, fcntl(nfct_fd(w->h), F_GETFL) | O_NONBLOCK);
	nfct_callback_register(w->h, NFCT_T_DESTROY, on_destroy, w);
	return 0;
}

struct wr_nat_finder *wr_nat_new(void)
{
	struct wr_nat_finder *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->epfd = epoll_create1(EPOLL_CLOEXEC);
	f->tokens = SEARCHES_PER_SEC;
	return f;
}

static void close_watch(struct wr_nat_finder *f, size_t i)
{
	epoll_ctl(f->epfd, EPOLL_CTL_DEL, nfct_fd(f->w[i].h), NULL);
	nfct_close(f->w[i].h);
	f->w[i] = f->w[--f->nw];
	/* The callback's pointer moved with the slot. */
	if (i < f->nw) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &f->w[i] };

		nfct_callback_unregister(f->w[i].h);
		nfct_callback_register(f->w[i].h, NFCT_T_DESTROY, on_destroy, &f->w[i]);
		epoll_ctl(f->epfd, EPOLL_CTL_MOD, nfct_fd(f->w[i].h), &ev);
	}
}

/*
 * No NAT without conntrack; and asking ctnetlink for events would load
 * nf_conntrack_netlink, and nf_conntrack with it, on a host that has none.
 */
static bool conntrack_loaded(void)
{
	return access("/sys/module/nf_conntrack", F_OK) == 0;
}

void wr_nat_watch(struct wr_nat_finder *f, struct wr_netns_list *nsl)
{
	size_t i, j;

	if (!f || f->epfd < 0 || !conntrack_loaded())
		return;
	/* A socket of ours keeps its namespace alive: rescan, and let go of the gone. */
	wr_netns_scan(nsl);
	for (i = 0; i < f->nw; i++)
		f->w[i].seen = wr_netns_find(nsl, f->w[i].inode) != NULL;
	for (i = f->nw; i-- > 0;)
		if (!f->w[i].seen)
			close_watch(f, i);
	for (j = 0; j < nsl->n && f->nw < MAX_WATCHED; j++) {
		struct watch *w = &f->w[f->nw];
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };

		for (i = 0; i < f->nw && f->w[i].inode != nsl->v[j].inode; i++)
			;
		if (i < f->nw)
			continue;
		*w = (struct watch){ .inode = nsl->v[j].inode, .f = f };
		if (wr_netns_call(&nsl->v[j], open_watch, w))
			continue;	/* no conntrack there (module not loaded): later */
		epoll_ctl(f->epfd, EPOLL_CTL_ADD, nfct_fd(w->h), &ev);
		f->nw++;
	}
}

/* Reads what the watched namespaces said since last time, waiting up to wait_ms. */
static void drain(struct wr_nat_finder *f, int wait_ms)
{
	struct epoll_event ev[32];
	int n, i;

	while ((n = epoll_wait(f->epfd, ev, 32, wait_ms)) > 0) {
		for (i = 0; i < n; i++)
			nfct_catch(((struct watch *)ev[i].data.ptr)->h);	/* until EAGAIN */
		wait_ms = 0;
	}
}

/* Milliseconds until DESTROY_WAIT_MS after the refusal (wall clock), or 0. */
static int wait_left(const struct wr_refusal *r)
{
	struct timespec now;
	long long age;

	clock_gettime(CLOCK_REALTIME, &now);
	age = (now.tv_sec - r->ts.tv_sec) * 1000LL + (now.tv_nsec - r->ts.tv_nsec) / 1000000;
	return age >= 0 && age < DESTROY_WAIT_MS ? (int)(DESTROY_WAIT_MS - age) : 0;
}

static bool from_recent(struct wr_nat_finder *f, struct wr_refusal *r)
{
	size_t alen = r->family == AF_INET6 ? 16 : 4, i;
	long long now = wr_now_ms();

	for (i = 0; i < RECENT; i++) {
		const struct recent *c = &f->recent[i];

		if (!c->ms || now - c->ms > RECENT_MS || c->e.family != r->family ||
		    c->e.reply_sport != r->dport || c->reply_dport != r->sport ||
		    memcmp(c->e.reply_saddr, r->daddr_raw, alen) ||
		    memcmp(c->reply_daddr, r->saddr_raw, alen))
			continue;
		return wr_nat_from_entry(&c->e, c->netns, r);
	}
	return false;
}
struct query {
	const struct wr_refusal *r;
	struct wr_ct_entry entry;
	bool found;
};

static int on_entry(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *data)
{
	struct query *q = data;

	read_entry(ct, &q->entry, NULL, NULL);
	q->found = true;
	return NFCT_CB_STOP;
}

/* Inside the namespace: the entry whose reply tuple is daddr:dport -> saddr:sport. */
static int query_here(const void *arg)
{
	struct query *q = (struct query *)arg;
	const struct wr_refusal *r = q->r;
	struct nfct_handle *h = nfct_open(CONNTRACK, 0);
	struct nf_conntrack *ct;
	int ret;

	if (!h)
		return -errno;
	ct = nfct_new();
	if (!ct) {
		nfct_close(h);
		return -ENOMEM;
	}
	/* The message's family comes from the original tuple's l3 protocol. */
	nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, (uint8_t)r->family);
	nfct_set_attr_u8(ct, ATTR_REPL_L3PROTO, (uint8_t)r->family);
	nfct_set_attr_u8(ct, ATTR_REPL_L4PROTO, IPPROTO_TCP);
	if (r->family == AF_INET6) {
		nfct_set_attr(ct, ATTR_REPL_IPV6_SRC, r->daddr_raw);
		nfct_set_attr(ct, ATTR_REPL_IPV6_DST, r->saddr_raw);
	} else {
		uint32_t a;

		memcpy(&a, r->daddr_raw, 4);
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_SRC, a);
		memcpy(&a, r->saddr_raw, 4);
		nfct_set_attr_u32(ct, ATTR_REPL_IPV4_DST, a);
	}
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_SRC, htons(r->dport));
	nfct_set_attr_u16(ct, ATTR_REPL_PORT_DST, htons(r->sport));
	nfct_callback_register(h, NFCT_T_ALL, on_entry, q);
	ret = nfct_query(h, NFCT_Q_GET, ct);	/* ENOENT: no such entry */
	nfct_destroy(ct);
	nfct_close(h);
	return ret ? -errno : 0;
}

static bool translated_in(const struct wr_netns *ns, struct wr_refusal *r)
{
	struct query q = { .r = r };

	if (wr_netns_call(ns, query_here, &q) || !q.found)
		return false;
	return wr_nat_from_entry(&q.entry, ns->inode, r);
}

/* A token bucket: SEARCHES_PER_SEC, a second's worth saved up. */
static bool may_search(struct wr_nat_finder *f)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (f->last.tv_sec)
		f->tokens += (double)(now.tv_sec - f->last.tv_sec) * SEARCHES_PER_SEC +
			     (double)(now.tv_nsec - f->last.tv_nsec) * SEARCHES_PER_SEC / 1e9;
	f->last = now;
	if (f->tokens > SEARCHES_PER_SEC)
		f->tokens = SEARCHES_PER_SEC;
	if (f->tokens < 1) {
		f->skipped++;
		return false;
	}
	f->tokens -= 1;
	return true;
}

static void lookup(struct wr_nat_finder *f, struct wr_netns_list *nsl, struct wr_refusal *r);

void wr_nat_lookup(struct wr_nat_finder *f, struct wr_netns_list *nsl, struct wr_refusal *r)
{
	lookup(f, nsl, r);
	/* No DNAT: a forwarded SYN's container is the one holding its address. */
	wr_container_forwarded_to(nsl, r);
}

static void lookup(struct wr_nat_finder *f, struct wr_netns_list *nsl, struct wr_refusal *r)
{
	const struct wr_netns *own = wr_netns_lookup(nsl, r->netns);
	char where[160], here[160];
	size_t i, searched = 0;

	if (r->nat.found)	/* the kernel read it from the SYN's own conntrack */
		goto found;
	if (!f || !conntrack_loaded())
		return;
	/* Refused with an RST: its entry is gone, its destruction was seen. */
	drain(f, 0);
	if (!from_recent(f, r)) {
		bool late;

		/* Within the search budget: the RST may still be on its way back. */
		if (!may_search(f))
			return;
		late = !wait_left(r);
		if (f->nw && !late) {
			drain(f, wait_left(r));
			if (from_recent(f, r))
				goto found;
		}
		/* Dropped: its entry is alive. Own namespace first, then the others. */
		if (!(own && translated_in(own, r)))
			for (i = 0; i < nsl->n && searched < MAX_NETNS_SEARCHED; i++) {
				if (nsl->v[i].inode == r->netns)
					continue;
				searched++;
				if (translated_in(&nsl->v[i], r))
					break;
			}
		/*
		 * Read late (a busy or emulated machine) and found alive nowhere:
		 * its RST may only now be killing the entry. Once more, as long.
		 */
		if (!r->nat.found && f->nw && late) {
			drain(f, DESTROY_WAIT_MS);
			from_recent(f, r);
		}
	}
found:
	if (!r->nat.found)
		return;
	if (r->nat.netns == r->netns) {
		/* Blocked before it left (a DOCKER-USER rule): the container it was sent to. */
		if (!r->in_container &&
		    (wr_docker_container_at("", r->nat.to_daddr, &r->container) ||
		     wr_container_holding(nsl, r->netns, r->nat.to_daddr, &r->container))) {
			r->in_container = true;
			wr_container_label(&r->container, here, sizeof(here));
		}
		wr_nat_told(r, "this network namespace", r->in_container ? here : NULL);
		return;
	}
	wr_netns_label(nsl, r->nat.netns, where, sizeof(where));
	wr_netns_label(nsl, r->netns, here, sizeof(here));
	wr_nat_told(r, where, here);
}

uint64_t wr_nat_skipped(const struct wr_nat_finder *f)
{
	return f ? f->skipped : 0;
}

void wr_nat_free(struct wr_nat_finder *f)
{
	if (!f)
		return;
	while (f->nw)
		close_watch(f, f->nw - 1);
	if (f->epfd >= 0)
		close(f->epfd);
	free(f);
}
