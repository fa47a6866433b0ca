// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "fw_rules.h"

#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which pulls linux/in.h */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "explain.h"
#include "fw_objects.h"
#include "ipt_save.h"
#include "netns_exec.h"
#include "nft_flow_trace.h"
#include "nft_listing.h"
#include "nl_kernel.h"
#include "ipt_nft.h"
#include "nft_trace.h"
#include "shell_quote.h"
#include "verdict.h"

#define MAX_NS		32	/* namespaces traced at once */
#define FLOWS_PER_NS	16	/* flows traced at once per namespace */
#define FLOW_TTL_MS	(10 * 60 * 1000)	/* a flow stops being traced 10 min after its last refusal */
#define VERDICTS	256	/* recent drop verdicts kept from traces */
#define VERDICT_TTL_MS	(60 * 1000)
#define EXEC_TIMEOUT_MS	3000
#define SAVE_MAX	(256 * 1024)
#define LISTING_MAX	(8 * 1024 * 1024)	/* a whole ruleset: kube-proxy's run to MBs */
/*
 * Under a scan or a flood of firewalled SYNs (up to --rate-limit a second),
 * naming rules must not cost a netlink transaction or a process per SYN:
 * a namespace starts tracing at most NEW_FLOWS_PER_SEC new flows a second,
 * runs iptables-legacy-save at most every LEGACY_SAVE_MS, and a rule's text
 * is listed once per TEXT_TTL_MS.
 */
#define NEW_FLOWS_PER_SEC	8
#define LEGACY_SAVE_MS		100
#define TEXTS			64
#define TEXT_TTL_MS		(10 * 1000)

struct traced {
	struct wr_trace_flow f;
	long long last_ms;
};

struct ns_state {
	uint32_t netns;
	struct wr_nft_tracer tr;
	bool tr_open;
	struct traced flows[FLOWS_PER_NS];
	size_t n_flows;
	struct wr_ipt_snapshot ipt[2];	/* iptables-legacy-save -c: [0] IPv4, [1] IPv6 */
	bool have_ipt[2];
	long long ipt_ms[2];		/* when that snapshot was taken */
	long long adds_since_ms;	/* this second's new flows: a budget */
	unsigned adds;
};

/* A rule already named: its text from `nft list chain`, for TEXT_TTL_MS. */
struct rule_text {
	uint32_t netns;
	long long ms;
	char key[96];		/* the verdict map element looked up, if any */
	struct wr_rule rule;
};

/* A jump or goto the packet took: the rules that led to the one that dropped it. */
struct hop {
	char chain[256];
	uint64_t handle;
	char target[256];
	bool is_goto;
};

struct verdict {
	uint32_t netns;
	long long ms;
	struct wr_nft_trace t;
	struct hop path[WR_RULE_HOPS];
	unsigned n_path;
};

/* Only a packet's first trace message carries its headers: the rest, its id. */
#define PACKETS 64
struct traced_packet {
	uint32_t id;
	struct wr_nft_trace t;
	struct hop path[WR_RULE_HOPS];	/* its jumps not returned from yet, deepest last */
	unsigned n_path;
};

struct wr_fw {
	struct traced_packet pk[PACKETS];	/* ring */
	size_t pk_next;
	bool trace;
	char table[32];		/* ours: one per tracer process */
	struct ns_state ns[MAX_NS];
	size_t n_ns;
	struct verdict v[VERDICTS];	/* ring */
	size_t v_next;
	struct rule_text texts[TEXTS];	/* ring */
	size_t texts_next;
	long long last_expire_ms;
};

/*
 * Mapped, not calloc'd (1.4 MB, mostly per-namespace slots filled as
 * namespaces come): calloc from a heap that held the start's BTF parses
 * (start_heap.c) would zero, and so touch, every page.
 */
struct wr_fw *wr_fw_new(bool trace)
{
	struct wr_fw *fw = mmap(NULL, sizeof(*fw), PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (fw == MAP_FAILED)
		return NULL;
	fw->trace = trace;
	snprintf(fw->table, sizeof(fw->table), "whyrefused_%d", (int)getpid());
	return fw;
}

static void ns_release(struct ns_state *s)
{
	if (s->tr_open)
		wr_nft_tracer_close(&s->tr);
	wr_ipt_free(&s->ipt[0]);
	wr_ipt_free(&s->ipt[1]);
	memset(s, 0, sizeof(*s));
}

void wr_fw_free(struct wr_fw *fw)
{
	if (!fw)
		return;
	for (size_t i = 0; i < fw->n_ns; i++)
		ns_release(&fw->ns[i]);
	munmap(fw, sizeof(*fw));
}

static struct ns_state *ns_get(struct wr_fw *fw, uint32_t netns)
{
	size_t i;

	for (i = 0; i < fw->n_ns; i++)
		if (fw->ns[i].netns == netns)
			return &fw->ns[i];
	if (fw->n_ns < MAX_NS) {
		fw->ns[fw->n_ns].netns = netns;
		return &fw->ns[fw->n_ns++];
	}
	/* Full: take the place of a namespace with nothing traced any more. */
	for (i = 0; i < fw->n_ns; i++) {
		if (!fw->ns[i].n_flows && !fw->ns[i].tr_open) {
			ns_release(&fw->ns[i]);
			fw->ns[i].netns = netns;
			return &fw->ns[i];
		}
	}
	return NULL;
}

/* Remembers a packet's flow by trace id, or fills it in from there. Returns its slot. */
static struct traced_packet *packet_flow(struct wr_fw *fw, struct wr_nft_trace *t)
{
	if (t->has_flow) {
		struct traced_packet *slot = &fw->pk[fw->pk_next];

		slot->id = t->id;
		slot->t = *t;
		slot->n_path = 0;
		fw->pk_next = (fw->pk_next + 1) % PACKETS;
		return slot;
	}
	for (size_t k = 1; k <= PACKETS; k++) {
		struct traced_packet *slot = &fw->pk[(fw->pk_next + PACKETS - k) % PACKETS];
		const struct wr_nft_trace *p = &slot->t;

		if (p->has_flow && p->id == t->id) {
			t->has_flow = true;
			t->ip_family = p->ip_family;
			memcpy(t->saddr, p->saddr, sizeof(t->saddr));
			memcpy(t->daddr, p->daddr, sizeof(t->daddr));
			t->sport = p->sport;
			t->dport = p->dport;
			return slot;
		}
	}
	return NULL;
}

/*
 * Follows the packet's jumps. The kernel traces no implicit return, so
 * where the packet is tells: in the chain a hop entered, the hops after it
 * are done; back in a chain that jumped, that jump is done; in a chain on
 * no hop (another base chain), the path starts again. Then a jump or goto
 * is pushed. Deeper than WR_RULE_HOPS: the oldest hops go.
 */
static void packet_path(struct traced_packet *pk, const struct wr_nft_trace *t)
{
	unsigned i;
	bool found = false;

	for (i = pk->n_path; i-- > 0 && !found;) {
		if (!strcmp(pk->path[i].target, t->chain)) {
			pk->n_path = i + 1;
			found = true;
		} else if (!strcmp(pk->path[i].chain, t->chain)) {
			pk->n_path = i;
			found = true;
		}
	}
	if (!found)
		pk->n_path = 0;
	if (t->type == NFT_TRACETYPE_RULE && (t->verdict == NFT_JUMP || t->verdict == NFT_GOTO)) {
		struct hop *h;

		if (pk->n_path == WR_RULE_HOPS) {
			memmove(&pk->path[0], &pk->path[1], sizeof(pk->path[0]) * (WR_RULE_HOPS - 1));
			pk->n_path--;
		}
		h = &pk->path[pk->n_path++];
		snprintf(h->chain, sizeof(h->chain), "%s", t->chain);
		snprintf(h->target, sizeof(h->target), "%s", t->jump);
		h->handle = t->handle;
		h->is_goto = t->verdict == NFT_GOTO;
	}
}

/* Keeps the drop verdicts of traced packets (not our own table's). */
static void drain(struct wr_fw *fw, struct ns_state *s)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	long long now = wr_now_ms();

	if (!s->tr_open)
		return;
	for (int guard = 0; guard < 1000; guard++) {
		/* The kernel's trace messages only: a forged one would name the wrong rule. */
		ssize_t n = wr_nl_recv_kernel(wr_nft_tracer_fd(&s->tr), buf, sizeof(buf),
					      MSG_DONTWAIT);
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		int rem = (int)n;

		if (n <= 0)
			return;	/* EAGAIN: all read; ENOBUFS: lost, the next retry is traced again */
		/* NLMSG_OK: mnl_nlmsg_ok() lets an nlmsg_len >= 2^31 walk off the buffer. */
		for (; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
			struct verdict *v = &fw->v[fw->v_next];
			struct traced_packet *pk;

			if (wr_nft_trace_decode(h, &v->t) || !(pk = packet_flow(fw, &v->t)))
				continue;
			if (strcmp(v->t.table, fw->table))
				packet_path(pk, &v->t);
			if (v->t.verdict != NF_DROP || !strcmp(v->t.table, fw->table))
				continue;
			memcpy(v->path, pk->path, sizeof(v->path));
			v->n_path = pk->n_path;
			v->netns = s->netns;
			v->ms = now;
			fw->v_next = (fw->v_next + 1) % VERDICTS;
		}
	}
}

/* DNAT in the refusal's own namespace: its chains saw the address the client dialled first. */
static bool nat_here(const struct wr_refusal *r)
{
	return r->nat.found && r->nat.netns == r->netns;
}

static const struct verdict *find_verdict(const struct wr_fw *fw, const struct wr_refusal *r)
{
	uint32_t alen = r->family == AF_INET6 ? 16 : 4;
	long long now = wr_now_ms();

	for (size_t k = 1; k <= VERDICTS; k++) {
		const struct verdict *v = &fw->v[(fw->v_next + VERDICTS - k) % VERDICTS];

		if (!v->ms || now - v->ms > VERDICT_TTL_MS)
			continue;
		if (v->netns != r->netns || v->t.ip_family != r->family || v->t.sport != r->sport ||
		    memcmp(v->t.saddr, r->saddr_raw, alen))
			continue;
		/* A trace carries the packet as it entered: before any DNAT here. */
		if ((v->t.dport == r->dport && !memcmp(v->t.daddr, r->daddr_raw, alen)) ||
		    (nat_here(r) && v->t.dport == r->nat.dport &&
		     !memcmp(v->t.daddr, r->nat.daddr_raw, alen)))
			return v;
	}
	return NULL;
}

static bool same_flow(const struct wr_trace_flow *a, const struct wr_trace_flow *b)
{
	size_t alen = a->family == AF_INET6 ? 16 : 4;

	return a->family == b->family && a->dport == b->dport &&
	       !memcmp(a->saddr, b->saddr, alen) && !memcmp(a->daddr, b->daddr, alen);
}

/* Installs the namespace's current flow list; an empty list removes the table. */
/* `ns`: where to open the trace socket, or NULL (a caller with no refusal in hand). */
static int apply_flows(struct wr_fw *fw, struct ns_state *s, const struct wr_netns *ns,
		       char *err, size_t errlen)
{
	struct wr_trace_flow flows[FLOWS_PER_NS];
	int ret;

	if (!s->n_flows) {
		if (s->tr_open)
			wr_nft_tracer_close(&s->tr);
		s->tr_open = false;
		return 0;
	}
	if (!s->tr_open) {
		if (!ns) {
			snprintf(err, errlen, "netns %u is gone", s->netns);
			return -ENOENT;
		}
		ret = wr_nft_tracer_open(&s->tr, ns, fw->table, err, errlen);
		if (ret)
			return ret;
		s->tr_open = true;
	}
	for (size_t i = 0; i < s->n_flows; i++)
		flows[i] = s->flows[i].f;
	return wr_nft_tracer_set_flows(&s->tr, flows, s->n_flows, err, errlen);
}

/* Traces this client -> server:port from now on; the oldest flow makes room. */
static int trace_flow(struct wr_fw *fw, struct ns_state *s, const struct wr_netns *ns,
		      const struct wr_refusal *r, char *err, size_t errlen)
{
	struct wr_trace_flow f = { .family = r->family, .dport = r->dport };
	size_t i, oldest = 0;

	memcpy(f.saddr, r->saddr_raw, 16);
	memcpy(f.daddr, nat_here(r) ? r->nat.daddr_raw : r->daddr_raw, 16);
	if (nat_here(r))	/* our rules run before DNAT: the flow as dialled */
		f.dport = r->nat.dport;
	/* Its interface: an ingress chain of ours there sees it before any other. */
	if (!ns || wr_netns_ifname(ns, r->ifindex, f.dev, sizeof(f.dev)))
		f.dev[0] = '\0';
	for (i = 0; i < s->n_flows; i++) {
		if (same_flow(&s->flows[i].f, &f)) {
			s->flows[i].last_ms = wr_now_ms();
			return 0;
		}
		if (s->flows[i].last_ms < s->flows[oldest].last_ms)
			oldest = i;
	}
	if (wr_now_ms() - s->adds_since_ms >= 1000) {
		s->adds_since_ms = wr_now_ms();
		s->adds = 0;
	}
	if (s->adds >= NEW_FLOWS_PER_SEC) {
		snprintf(err, errlen, "more than %d new refused flows a second in this namespace "
			 "(a scan or a flood?): this one is not traced", NEW_FLOWS_PER_SEC);
		return -EBUSY;
	}
	s->adds++;
	i = s->n_flows < FLOWS_PER_NS ? s->n_flows++ : oldest;
	s->flows[i].f = f;
	s->flows[i].last_ms = wr_now_ms();
	return apply_flows(fw, s, ns, err, errlen);
}

static void expire(struct wr_fw *fw)
{
	long long now = wr_now_ms();
	char err[160];

	if (now - fw->last_expire_ms < 1000)
		return;
	fw->last_expire_ms = now;
	for (size_t k = 0; k < fw->n_ns; k++) {
		struct ns_state *s = &fw->ns[k];
		size_t i = 0, before = s->n_flows;

		while (i < s->n_flows) {
			if (now - s->flows[i].last_ms > FLOW_TTL_MS)
				s->flows[i] = s->flows[--s->n_flows];
			else
				i++;
		}
		if (s->n_flows != before)
			apply_flows(fw, s, NULL, err, sizeof(err));
	}
}

void wr_fw_poll(struct wr_fw *fw)
{
	for (size_t i = 0; i < fw->n_ns; i++)
		drain(fw, &fw->ns[i]);
	expire(fw);
}

static const char *family_name(uint32_t nfproto)
{
	switch (nfproto) {
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	}
	return "unknown";
}

/* What the rule did, as the client experienced it (seen on the wire). */
static void set_verdict(struct wr_refusal *r)
{
	char reply[64];

	if (wr_cause_of(r) == WR_CAUSE_FIREWALL_BLOCKED)
		snprintf(r->rule.verdict, sizeof(r->rule.verdict), "reject or drop");
	else if (r->reply == WR_REPLY_TCP_RST)
		snprintf(r->rule.verdict, sizeof(r->rule.verdict), "reject with tcp reset");
	else if (r->reply == WR_REPLY_NONE)
		snprintf(r->rule.verdict, sizeof(r->rule.verdict), "drop");
	else
		snprintf(r->rule.verdict, sizeof(r->rule.verdict), "reject with %s",
			 wr_reply_name(r, reply, sizeof(reply)));
}

/* A helper's whole output into buf (LISTING_MAX); a cut one is not used. */
static int run_listing(const struct wr_netns *ns, char *const argv[], char *buf)
{
	if (wr_netns_exec(ns, argv, buf, LISTING_MAX, EXEC_TIMEOUT_MS))
		return -EIO;
	return strlen(buf) + 1 >= LISTING_MAX ? -E2BIG : 0;
}

/* Same rule, reached the same way, for the same Service element. */
static bool same_rule(const struct wr_rule *a, const struct wr_rule *b)
{
	if (a->handle != b->handle || a->policy != b->policy || a->n_path != b->n_path ||
	    strcmp(a->family, b->family) || strcmp(a->table, b->table) ||
	    strcmp(a->chain, b->chain))
		return false;
	for (unsigned i = 0; i < a->n_path && i < WR_RULE_HOPS; i++)
		if (a->path[i].handle != b->path[i].handle || strcmp(a->path[i].chain, b->path[i].chain))
			return false;
	return true;
}

/* The key kube-proxy's map is looked up with, for this refusal (as nft prints it). */
static const char *kube_vmap_key(const struct wr_refusal *r, const char *map, char *key,
				 size_t len)
{
	if (!strcmp(map, "no-endpoint-nodeports"))
		snprintf(key, len, "tcp . %u", r->dport);
	else
		snprintf(key, len, "%s . tcp . %u", r->daddr, r->dport);
	return key;
}

/* The vmap lookup the packet came through: the rule itself (a drop element) or the last hop. */
static const char *kube_vmap_of(const struct wr_rule *rule)
{
	const char *map = wr_kube_vmap(rule->text);

	if (!map && rule->n_path && rule->n_path <= WR_RULE_HOPS)
		map = wr_kube_vmap(rule->path[rule->n_path - 1].text);
	return map;
}

static struct rule_text *cached_text(struct wr_fw *fw, const struct wr_refusal *r)
{
	long long now = wr_now_ms();

	for (size_t i = 0; i < TEXTS; i++) {
		struct rule_text *t = &fw->texts[i];

		char key[96] = "";
		const char *map;

		if (!t->ms || now - t->ms >= TEXT_TTL_MS || t->netns != r->netns ||
		    !same_rule(&t->rule, &r->rule))
			continue;
		/* A Service's element: the same only for the same address and port. */
		map = kube_vmap_of(&t->rule);
		if (map && strcmp(t->key, kube_vmap_key(r, map, key, sizeof(key))))
			continue;
		return t;
	}
	return NULL;
}

/*
 * A rule of a table iptables-nft made, as `iptables -S` shows it (its
 * comment and --reject-with included): found by its position in the chain.
 * The whole table is listed (its name is one of iptables' own, from our
 * list) and the chain selected here: a chain's name never reaches argv.
 */
static void ipt_rule_text(const struct wr_netns *ns, struct wr_refusal *r, unsigned rules)
{
	const char *table = wr_ipt_nft_table(r->rule.family, r->rule.table);
	char *argv[] = { !strcmp(r->rule.family, "ip6") ? "ip6tables-nft" : "iptables-nft", "-t",
			 (char *)table, "-S", NULL };
	char *dump = malloc(LISTING_MAX);

	if (table && dump && !run_listing(ns, argv, dump) &&
	    !wr_ipt_rule_line(dump, r->rule.chain, r->rule.policy ? 0 : r->rule.number, rules,
			      r->rule.text, sizeof(r->rule.text)))
		r->rule.ipt_syntax = true;
	free(dump);
}

/* The texts of the rules the packet jumped through, from the same listing. */
static void hop_texts(const char *ruleset, struct wr_refusal *r)
{
	char *block = malloc(SAVE_MAX);
	unsigned number;

	for (unsigned i = 0; block && i < r->rule.n_path && i < WR_RULE_HOPS; i++) {
		struct wr_rule_hop *h = &r->rule.path[i];

		if (wr_nft_listing_chain(ruleset, r->rule.family, r->rule.table, h->chain, block,
					 SAVE_MAX) ||
		    wr_nft_listing_find(block, h->handle, h->text, sizeof(h->text), &number))
			h->text[0] = '\0';
	}
	free(block);
}

/*
 * kube-proxy's Service behind a verdict map lookup: the element that
 * matched, from `nft list map` of kube-proxy's own table and map (our
 * constants on the command line, never a name from the namespace).
 */
static void kube_element(const struct wr_netns *ns, struct wr_refusal *r)
{
	const char *map = kube_vmap_of(&r->rule);
	char key[96], *buf;
	char *argv[] = { "nft", "list", "map", NULL, "kube-proxy", NULL, NULL };

	if (!map || strcmp(r->rule.table, "kube-proxy") ||
	    (strcmp(r->rule.family, "ip") && strcmp(r->rule.family, "ip6")))
		return;
	argv[3] = !strcmp(r->rule.family, "ip") ? "ip" : "ip6";
	argv[5] = (char *)map;
	buf = malloc(LISTING_MAX);
	if (buf && !run_listing(ns, argv, buf) &&
	    wr_kube_map_element(buf, kube_vmap_key(r, map, key, sizeof(key)), r->rule.element,
				sizeof(r->rule.element), r->rule.element_verdict,
				sizeof(r->rule.element_verdict)))
		snprintf(r->rule.element_key, sizeof(r->rule.element_key), "%s", key);
	free(buf);
}

/*
 * The rule's text and position from nft's own listing of the whole ruleset
 * in its namespace, selected in memory by the names and handle the trace
 * gave: no name reaches nft's command line (nft joins its arguments and
 * parses them as commands). Read by lines only when `nft -j` says no string
 * of the ruleset holds a line break, which could forge a line.
 */
static int nft_chain_lines(const struct wr_netns *ns, struct wr_refusal *r, char *block,
			   size_t len)
{
	/* -t: no set elements (a blocklist's can take nft seconds to print). */
	char *json_argv[] = { "nft", "-t", "-j", "list", "ruleset", NULL, NULL, NULL };
	char *text_argv[] = { "nft", "-t", "-s", "-a", "list", "ruleset", NULL, NULL, NULL };
	const char *ipt = wr_ipt_nft_table(r->rule.family, r->rule.table);
	char *buf = malloc(LISTING_MAX);
	int ret = -EIO;

	if (!buf)
		return -ENOMEM;
	/*
	 * A table iptables-nft made: that table only, by its name from
	 * iptables' own list. nft 1.0.6's JSON of a whole ruleset stops short
	 * (exit 0) at an owner table listed after an xt target (TPROXY...),
	 * which would withhold every such rule's text.
	 */
	if (ipt) {
		json_argv[4] = text_argv[5] = "table";
		json_argv[5] = text_argv[6] = !strcmp(r->rule.family, "ip6") ? "ip6" : "ip";
		json_argv[6] = text_argv[7] = (char *)ipt;
	}
	if (run_listing(ns, json_argv, buf))
		goto out;
	ret = -EILSEQ;
	if (!wr_nft_json_lines_trusted(buf))
		goto out;
	ret = -EIO;
	if (run_listing(ns, text_argv, buf) ||
	    wr_nft_listing_chain(buf, r->rule.family, r->rule.table, r->rule.chain, block, len))
		goto out;
	ret = 0;
	hop_texts(buf, r);
out:
	free(buf);
	return ret;
}

static void nft_rule_text(struct wr_fw *fw, const struct wr_netns *ns, struct wr_refusal *r)
{
	static char chain[SAVE_MAX];
	const struct rule_text *c = cached_text(fw, r);
	struct rule_text *slot;
	int ret;

	if (c) {
		snprintf(r->rule.text, sizeof(r->rule.text), "%s", c->rule.text);
		memcpy(r->rule.path, c->rule.path, sizeof(r->rule.path));
		snprintf(r->rule.element, sizeof(r->rule.element), "%s", c->rule.element);
		snprintf(r->rule.element_key, sizeof(r->rule.element_key), "%s",
			 c->rule.element_key);
		snprintf(r->rule.element_verdict, sizeof(r->rule.element_verdict), "%s",
			 c->rule.element_verdict);
		r->rule.number = c->rule.number;
		r->rule.ipt_syntax = c->rule.ipt_syntax;
		r->rule.text_withheld = c->rule.text_withheld;
		snprintf(r->rule.jumps, sizeof(r->rule.jumps), "%s", c->rule.jumps);
		return;
	}
	if (r->rule.policy)
		snprintf(r->rule.text, sizeof(r->rule.text), "chain %s policy drop", r->rule.chain);
	if (!ns)
		return;
	ret = nft_chain_lines(ns, r, chain, sizeof(chain));
	if (ret == -EILSEQ) {
		r->rule.text[0] = '\0';
		r->rule.text_withheld = true;
	} else if (ret || (!r->rule.policy && wr_nft_listing_find(chain, r->rule.handle,
								  r->rule.text,
								  sizeof(r->rule.text),
								  &r->rule.number)))
		return;
	if (!ret) {
		if (r->rule.policy)
			wr_nft_listing_jumps(chain, r->rule.jumps, sizeof(r->rule.jumps));
		ipt_rule_text(ns, r, wr_nft_listing_count(chain));
		kube_element(ns, r);
	}
	slot = &fw->texts[fw->texts_next++ % TEXTS];
	slot->netns = r->netns;
	snprintf(slot->key, sizeof(slot->key), "%s", r->rule.element_key);
	slot->ms = wr_now_ms();
	slot->rule = r->rule;
}

static void name_nft(struct wr_fw *fw, struct ns_state *s, const struct wr_netns *ns,
		     struct wr_refusal *r)
{
	const struct verdict *v;
	char err[160];
	int ret;

	r->rule.backend = "nftables";
	if (!fw->trace) {
		r->rule.status = "tracing off (--no-trace)";
		return;
	}
	drain(fw, s);
	v = find_verdict(fw, r);
	ret = trace_flow(fw, s, ns, r, err, sizeof(err));
	if (ret) {
		/* Keep going: what was traced before still names the rule. */
		if (!v) {
			snprintf(r->rule.text, sizeof(r->rule.text), "%s", err);
			r->rule.status = ret == -EBUSY ? "rate limited" : "unavailable";
			return;
		}
	}
	if (!v) {
		r->rule.status = "pending retry";
		return;
	}
	r->rule.found = true;
	snprintf(r->rule.family, sizeof(r->rule.family), "%s", family_name(v->t.family));
	snprintf(r->rule.table, sizeof(r->rule.table), "%s", v->t.table);
	snprintf(r->rule.chain, sizeof(r->rule.chain), "%s", v->t.chain);
	r->rule.handle = v->t.handle;
	r->rule.policy = v->t.type == NFT_TRACETYPE_POLICY;
	r->rule.n_path = v->n_path;
	for (unsigned i = 0; i < v->n_path && i < WR_RULE_HOPS; i++) {
		snprintf(r->rule.path[i].chain, sizeof(r->rule.path[i].chain), "%s", v->path[i].chain);
		r->rule.path[i].handle = v->path[i].handle;
	}
	nft_rule_text(fw, ns, r);
}

/* Counters before the previous refusal of this namespace and now. */
static void name_legacy(struct wr_fw *fw, struct ns_state *s, const struct wr_netns *ns,
			struct wr_refusal *r)
{
	static char save[SAVE_MAX];
	int v6 = r->family == AF_INET6;
	char *argv[] = { v6 ? "ip6tables-legacy-save" : "iptables-legacy-save", "-c", NULL };
	struct wr_ipt_snapshot now = { 0 };
	const struct wr_ipt_entry *e;

	r->rule.backend = "iptables-legacy";
	snprintf(r->rule.family, sizeof(r->rule.family), "%s", v6 ? "ip6" : "ip");
	if (s->have_ipt[v6] && wr_now_ms() - s->ipt_ms[v6] < LEGACY_SAVE_MS) {
		/* The next refusal after the pause diffs over this one too. */
		r->rule.status = "rate limited";
		snprintf(r->rule.text, sizeof(r->rule.text), "iptables-legacy-save runs at most "
			 "every %d ms per namespace", LEGACY_SAVE_MS);
		return;
	}
	if (!ns || wr_netns_exec(ns, argv, save, sizeof(save), EXEC_TIMEOUT_MS) != 0 ||
	    wr_ipt_parse(save, &now)) {
		r->rule.status = "unavailable";
		snprintf(r->rule.text, sizeof(r->rule.text), "cannot run %s -c", argv[0]);
		wr_ipt_free(&now);
		return;
	}
	/* Where a verdict hook named the table, only its rules are candidates. */
	e = s->have_ipt[v6] ? wr_ipt_diff(&s->ipt[v6], &now, r->nf_table[0] ? r->nf_table : NULL) :
			      NULL;
	if (e) {
		r->rule.found = true;
		snprintf(r->rule.table, sizeof(r->rule.table), "%s", e->table);
		snprintf(r->rule.chain, sizeof(r->rule.chain), "%s", e->chain);
		snprintf(r->rule.text, sizeof(r->rule.text), "%s", e->text);
		r->rule.number = e->number;
		r->rule.policy = !e->number;
		if (r->rule.policy)
			wr_ipt_save_jumps(save, e->table, e->chain, r->rule.jumps,
					  sizeof(r->rule.jumps));
	} else {
		r->rule.status = "pending retry";
	}
	wr_ipt_free(&s->ipt[v6]);
	s->ipt[v6] = now;
	s->have_ipt[v6] = true;
	s->ipt_ms[v6] = wr_now_ms();
}

/* iptables-legacy tables exist in this namespace for this family. */
static bool has_legacy_tables(const struct wr_netns *ns, const struct wr_refusal *r)
{
	char buf[64];
	ssize_t n;
	int fd;

	if (!ns)
		return false;
	fd = wr_netns_open(ns, r->family == AF_INET6 ? "/proc/thread-self/net/ip6_tables_names" :
						       "/proc/thread-self/net/ip_tables_names");
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0;
}

bool wr_fw_wants(const struct wr_refusal *r)
{
	return r->cause == WR_CAUSE_FIREWALL_REJECT || r->cause == WR_CAUSE_FIREWALL_DROP ||
	       r->cause == WR_CAUSE_FIREWALL_BLOCKED;
}

void wr_fw_name_rule(struct wr_fw *fw, const struct wr_netns *ns, struct wr_refusal *r)
{
	struct ns_state *s;

	if (!wr_fw_wants(r))
		return;
	memset(&r->rule, 0, sizeof(r->rule));
	r->rule.present = true;
	set_verdict(r);
	s = ns_get(fw, r->netns);
	if (!s) {
		r->rule.backend = "nftables";
		r->rule.status = "too many namespaces traced";
		return;
	}
	/*
	 * A verdict hook says which code dropped it. Otherwise: nft drops are
	 * freed in nft_do_chain (6.7+), legacy ones in nf_hook_slow.
	 */
	if (r->nf_backend == WR_NF_IPTABLES ||
	    (r->nf_backend == WR_NF_NONE && (!r->location || strcmp(r->location, "nft_do_chain")) &&
	     has_legacy_tables(ns, r)))
		name_legacy(fw, s, ns, r);
	else
		name_nft(fw, s, ns, r);
	if (!r->rule.found)
		wr_rule_from_verdict(r);
	else if (wr_answer_from_rule(r, r->rule.text, r->rule.policy))
		set_verdict(r);
}

static void lane_run(void *state, const struct wr_netns *ns, struct wr_refusal *r)
{
	wr_fw_name_rule(state, ns, r);
}

static void lane_tick(void *state)
{
	wr_fw_poll(state);
}

static void lane_skip(struct wr_refusal *r, bool stopping)
{
	memset(&r->rule, 0, sizeof(r->rule));
	r->rule.present = true;
	r->rule.status = stopping ? "not looked up (stopping)" :
			 "not looked up (too many refusals waiting for their rule)";
}

static void lane_free(void *state)
{
	wr_fw_free(state);
}

const struct wr_lane_ops wr_fw_lane = {
	.name = "rules",
	.wants = wr_fw_wants,
	.run = lane_run,
	.tick = lane_tick,
	.skip = lane_skip,
	.free = lane_free,
};
