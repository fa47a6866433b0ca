// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "explain.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "shell_quote.h"
#include "verdict.h"

struct icmp_meaning {
	uint8_t code;
	const char *name;		/* as iptables --reject-with spells it */
	const char *client_sees;	/* the errno text connect() reports */
};

/* ICMP destination unreachable codes (RFC 792/1812) and Linux's errno map. */
static const struct icmp_meaning icmp4[] = {
	{ 0, "net-unreachable", "Network is unreachable" },
	{ 1, "host-unreachable", "No route to host" },
	{ 2, "prot-unreachable", "Protocol not available" },
	{ 3, "port-unreachable", "Connection refused" },
	{ 9, "net-prohibited", "Network is unreachable" },
	{ 10, "host-prohibited", "No route to host" },
	{ 13, "admin-prohibited", "No route to host" },
};

/* ICMPv6 destination unreachable codes (RFC 4443). */
static const struct icmp_meaning icmp6[] = {
	{ 0, "no-route", "Network is unreachable" },
	{ 1, "admin-prohibited", "Permission denied" },
	{ 3, "addr-unreachable", "No route to host" },
	{ 4, "port-unreachable", "Connection refused" },
	{ 5, "policy-fail", "Permission denied" },
	{ 6, "reject-route", "Permission denied" },
};

static const struct icmp_meaning *icmp_lookup(const struct wr_refusal *r)
{
	const struct icmp_meaning *t = r->reply == WR_REPLY_ICMP6 ? icmp6 : icmp4;
	size_t n = r->reply == WR_REPLY_ICMP6 ? sizeof(icmp6) / sizeof(icmp6[0])
					      : sizeof(icmp4) / sizeof(icmp4[0]);
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].code == r->icmp_code)
			return &t[i];
	return NULL;
}

const char *wr_reply_name(const struct wr_refusal *r, char *buf, size_t len)
{
	const struct icmp_meaning *m;
	const char *proto = r->reply == WR_REPLY_ICMP6 ? "icmpv6" : "icmp";

	switch (r->reply) {
	case WR_REPLY_TCP_RST:
		return "tcp-reset";
	case WR_REPLY_ICMP:
	case WR_REPLY_ICMP6:
		m = icmp_lookup(r);
		if (m)
			snprintf(buf, len, "%s %s", proto, m->name);
		else
			snprintf(buf, len, "%s unreachable code %u", proto, r->icmp_code);
		return buf;
	}
	return "none";
}

struct reason_meaning {
	const char *reason;
	const char *meaning;
};

static const struct reason_meaning reasons[] = {
	{ "IP_RPFILTER", "the reverse-path filter (rp_filter) dropped it: a reply to this "
			 "client would leave by another interface" },
	{ "XDP", "an XDP program on the interface dropped it" },
	{ "TC_INGRESS", "a tc ingress filter or BPF program dropped it" },
	{ "TC_EGRESS", "a tc egress filter or BPF program dropped it" },
	{ "SOCKET_FILTER", "a socket filter (SO_ATTACH_FILTER/BPF) on the listener dropped it" },
	{ "SECURITY_HOOK", "a security module (SELinux, AppArmor, BPF LSM) dropped it" },
	{ "OTHERHOST", "it was addressed to another host's MAC address" },
	{ "IP_INADDRERRORS", "its destination is not a valid address here" },
	{ "IP_INNOROUTES", "there is no route for it" },
	{ "IP_INHDR", "its IP header failed a check, or its TTL ran out while being "
		      "forwarded (a traceroute probe, a routing loop)" },
	{ "IP_CSUM", "its IP checksum is wrong" },
	{ "TCP_CSUM", "its TCP checksum is wrong" },
	{ "PKT_TOO_SMALL", "it was shorter than its headers say" },
	{ "TCP_MD5NOTFOUND", "the listener requires TCP-MD5 and the SYN had none" },
	{ "TCP_MD5UNEXPECTED", "the SYN carried TCP-MD5 the listener does not expect" },
	{ "TCP_MD5FAILURE", "its TCP-MD5 signature is wrong" },
	{ "TCP_AONOTFOUND", "the listener requires TCP-AO and the SYN had none" },
	{ "TCP_AOFAILURE", "its TCP-AO signature is wrong" },
	{ "XFRM_POLICY", "an IPsec (xfrm) policy dropped it" },
	{ "SOCKET_RCVBUFF", "the socket's receive buffer was full" },
	{ "PROTO_MEM", "TCP memory is under pressure (tcp_mem)" },
	{ "NEIGH_FAILED", "neighbour (ARP/ND) resolution failed" },
	{ "QDISC_DROP", "a queueing discipline dropped it" },
	{ "CPU_BACKLOG", "the CPU's input backlog was full (netdev_max_backlog)" },
	{ "IPV6DISABLED", "IPv6 is disabled on the interface" },
	{ "NOT_SPECIFIED", "the kernel freed it without naming a reason" },
};

const char *wr_drop_reason_meaning(const char *reason)
{
	size_t i;

	if (!reason)
		return NULL;
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (!strcmp(reasons[i].reason, reason))
			return reasons[i].meaning;
	return NULL;
}

void wr_add_hint(struct wr_refusal *r, const char *fmt, ...)
{
	va_list ap;

	if (r->n_hints == WR_MAX_HINTS)
		return;
	va_start(ap, fmt);
	vsnprintf(r->hints[r->n_hints++], WR_TEXT_LEN, fmt, ap);
	va_end(ap);
}

const char *wr_server_endpoint(const struct wr_refusal *r, char *buf, size_t len)
{
	snprintf(buf, len, r->family == AF_INET6 ? "[%s]:%u" : "%s:%u", r->daddr, r->dport);
	return buf;
}

static void explain_no_listener(struct wr_refusal *r)
{
	char ep[WR_ADDR_STRLEN + 10];

	r->client_sees = "Connection refused";
	snprintf(r->explanation, WR_TEXT_LEN,
		 "no socket listens on %s; the kernel answered with RST, "
		 "the client sees Connection refused", wr_server_endpoint(r, ep, sizeof(ep)));
	wr_add_hint(r, "is the service running, and on which port? ss -ltnp in netns %u", r->netns);
}

static void explain_netfilter(struct wr_refusal *r)
{
	char reply[64];
	const struct icmp_meaning *m;

	enum wr_cause cause = wr_cause_of(r);

	if (cause == WR_CAUSE_FIREWALL_BLOCKED) {
		r->client_sees = "Connection refused or a timeout";
		snprintf(r->explanation, WR_TEXT_LEN,
			 "a firewall rule rejected or dropped the SYN (what it answered was not "
			 "watched yet); the client sees Connection refused or a timeout");
	} else if (cause == WR_CAUSE_FIREWALL_DROP) {
		r->client_sees = "Connection timed out";
		snprintf(r->explanation, WR_TEXT_LEN,
			 "a firewall rule dropped the SYN silently; "
			 "the client sees a timeout, not a refusal");
	} else {
		if (r->reply == WR_REPLY_TCP_RST) {
			r->client_sees = "Connection refused";
		} else {
			m = icmp_lookup(r);
			r->client_sees = m ? m->client_sees : "No route to host";
		}
		snprintf(r->explanation, WR_TEXT_LEN,
			 "a firewall rule rejected the SYN with %s; the client sees %s",
			 wr_reply_name(r, reply, sizeof(reply)), r->client_sees);
	}
	wr_add_hint(r, "list the rules in netns %u: nft -a list ruleset; iptables -S", r->netns);
}

static void explain_other_drop(struct wr_refusal *r)
{
	const char *meaning = wr_drop_reason_meaning(r->reason);

	r->client_sees = "Connection timed out";
	if (meaning)
		snprintf(r->explanation, WR_TEXT_LEN,
			 "the kernel dropped the SYN (%s): %s; the client usually sees a timeout",
			 r->reason, meaning);
	else
		snprintf(r->explanation, WR_TEXT_LEN,
			 "the kernel dropped the SYN (drop reason %s); "
			 "the client usually sees a timeout", r->reason);
	if (r->location)
		wr_add_hint(r, "freed in %s", r->location);
}

/* Before hints.c looks at the listener's queue. */
static void explain_unanswered(struct wr_refusal *r)
{
	r->client_sees = "Connection timed out";
	snprintf(r->explanation, WR_TEXT_LEN,
		 "a listener took the SYN but sent no SYN-ACK; the client usually sees a timeout");
}

/* The final ACK found the accept queue full; hints.c names the listener. */
static void explain_listen_overflow(struct wr_refusal *r)
{
	r->client_sees = "a stalled connection (connect() succeeded)";
	snprintf(r->explanation, WR_TEXT_LEN,
		 "the listener's accept queue is full: the kernel dropped the handshake's "
		 "final ACK");
}

/* A SYN answered, its answer resent, no ACK: the path, not the listener. */
static void explain_handshake(struct wr_refusal *r)
{
	r->client_sees = "Connection timed out";
	snprintf(r->explanation, WR_TEXT_LEN,
		 "the server answered %u times (its SYN-ACK, resent %u times) and the client's "
		 "ACK never came back: the answer or the ACK is lost on the way (the route back "
		 "to the client, a firewall between, the client's own firewall); the client "
		 "sees a timeout", r->synack_rtx + 1u, r->synack_rtx);
}

void wr_explain(struct wr_refusal *r)
{
	/* The kernel event's cause, for the stages that pick their work by it; verdict.c decides. */
	r->cause = wr_cause_of(r);
}

void wr_explain_words(struct wr_refusal *r)
{
	/* hints.c's words about the listeners nearby stand instead of a generic hint. */
	bool generic_hint = !r->listeners_looked;
	size_t kept = r->n_hints;

	if (generic_hint)
		r->n_hints = 0;
	if (r->kind == WR_EV_HANDSHAKE)
		explain_handshake(r);
	else if (r->kind == WR_EV_UNANSWERED)
		explain_unanswered(r);
	else if (r->reason && !strcmp(r->reason, "TCP_LISTEN_OVERFLOW"))
		explain_listen_overflow(r);
	else if (r->kind == WR_EV_RESET || (r->reason && !strcmp(r->reason, "NO_SOCKET")))
		explain_no_listener(r);
	else if (r->reason && !strcmp(r->reason, "NETFILTER_DROP"))
		explain_netfilter(r);
	else
		explain_other_drop(r);
	if (!generic_hint)
		r->n_hints = kept;	/* a stage's own words stand instead: its hint not kept */
	if (r->nat.found && r->nat.told[0]) {	/* where NAT sent it */
		size_t n = strlen(r->explanation);

		snprintf(r->explanation + n, WR_TEXT_LEN - n, "; %s", r->nat.told);
	}
}

void wr_rule_from_verdict(struct wr_refusal *r)
{
	static const char *const builtin[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT",
					       "POSTROUTING" };

	if (!r->nf_table[0])
		return;
	snprintf(r->rule.table, sizeof(r->rule.table), "%s", r->nf_table);
	if (r->nf_backend == WR_NF_IPTABLES && r->nf_hook < sizeof(builtin) / sizeof(builtin[0]))
		snprintf(r->rule.chain, sizeof(r->rule.chain), "%s", builtin[r->nf_hook]);
	else
		snprintf(r->rule.chain, sizeof(r->rule.chain), "%s", r->nf_chain);
}

/* iptables spellings that differ from icmp_meaning's names. */
static const struct { const char *alias, *name; } icmp_aliases[] = {
	{ "adm-prohibited", "admin-prohibited" },
	{ "host-prohib", "host-prohibited" },
	{ "net-prohib", "net-prohibited" },
	{ "port-unreach", "port-unreachable" },
	{ "host-unreach", "host-unreachable" },
	{ "net-unreach", "net-unreachable" },
};

/* The ICMP code a reject rule's text names; port-unreachable by default. */
static uint8_t icmp_code_in(const char *text, bool v6)
{
	const struct icmp_meaning *t = v6 ? icmp6 : icmp4;
	size_t n = v6 ? sizeof(icmp6) / sizeof(icmp6[0]) : sizeof(icmp4) / sizeof(icmp4[0]);
	const char *name = NULL;
	size_t i;

	/* Full names first: "port-unreach" is a prefix of "port-unreachable". */
	for (i = 0; i < n; i++)
		if (strstr(text, t[i].name))
			return t[i].code;
	for (i = 0; i < sizeof(icmp_aliases) / sizeof(icmp_aliases[0]) && !name; i++)
		if (strstr(text, icmp_aliases[i].alias))
			name = icmp_aliases[i].name;
	for (i = 0; name && i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].code;
	return v6 ? 4 : 3;
}

bool wr_answer_from_rule(struct wr_refusal *r, const char *text, bool policy_drop)
{
	bool v6 = r->family == AF_INET6;

	if (wr_cause_of(r) != WR_CAUSE_FIREWALL_BLOCKED)
		return false;
	if (!policy_drop && (strstr(text, "reject") || strstr(text, "REJECT"))) {
		if (strstr(text, "tcp reset") || strstr(text, "tcp-reset")) {
			r->reply = WR_REPLY_TCP_RST;
		} else {
			r->reply = v6 ? WR_REPLY_ICMP6 : WR_REPLY_ICMP;
			r->icmp_type = v6 ? 1 : 3;	/* destination unreachable */
			r->icmp_code = icmp_code_in(text, v6);
		}
	} else if (!policy_drop && !strstr(text, "drop") && !strstr(text, "DROP")) {
		return false;
	}
	/* As if it had been seen; the sentence says it was read from the rule. */
	r->answers_unwatched = false;
	r->rule.answer_read = true;
	return true;
}

void wr_answer_from_rule_words(struct wr_refusal *r)
{
	char reply[64];
	size_t n_hints = r->n_hints;

	if (!r->rule.answer_read)
		return;
	explain_netfilter(r);
	r->n_hints = n_hints;	/* its hints are there already */
	if (r->reply == WR_REPLY_NONE)
		snprintf(r->explanation, WR_TEXT_LEN,
			 "a firewall rule dropped the SYN silently (its verdict: its answer was "
			 "not watched); the client sees a timeout, not a refusal");
	else
		snprintf(r->explanation, WR_TEXT_LEN,
			 "a firewall rule rejected the SYN with %s (its verdict: its answer was "
			 "not watched); the client sees %s",
			 wr_reply_name(r, reply, sizeof(reply)), r->client_sees);
	if (r->nat.found && r->nat.told[0]) {	/* what NAT did stays said */
		size_t n = strlen(r->explanation);

		snprintf(r->explanation + n, WR_TEXT_LEN - n, "; %s", r->nat.told);
	}
}

/*
 * The rule in words, for the text line and the hints. Table and chain were
 * named by whoever made them: shell-quoted when they are not plain (JSON's
 * `rule` carries them as they are).
 */
void wr_rule_words(struct wr_refusal *r)
{
	char line[WR_TEXT_LEN], where[2 * WR_QUOTED_LEN + 64], text[sizeof(r->rule.text) + 4] = "";
	char table[WR_QUOTED_LEN], chain[WR_QUOTED_LEN];
	const char *ipt = !strcmp(r->rule.family, "ip6") ? "ip6tables" : "iptables";
	size_t n;

	if (!r->rule.present)
		return;
	wr_shell_quote(r->rule.table, table, sizeof(table));
	wr_shell_quote(r->rule.chain, chain, sizeof(chain));
	if (!r->rule.found) {
		if (r->rule.table[0])
			wr_add_hint(r, "the kernel returned the verdict from table %s, chain %s",
				    table, chain);
		if (r->rule.status && !strcmp(r->rule.status, "pending retry"))
			wr_add_hint(r, "rule: not known yet; this flow is traced from now on and "
				    "the client's next attempt names it");
		else if (r->rule.status && !strcmp(r->rule.status, "rate limited"))
			wr_add_hint(r, "rule: not looked up: %s", r->rule.text);
		return;
	}
	if (r->rule.text[0])
		snprintf(text, sizeof(text), ": \"%s\"", r->rule.text);
	if (!strcmp(r->rule.backend, "iptables-legacy") && r->rule.policy)
		snprintf(where, sizeof(where), "iptables-legacy -t %s, chain %s", table, chain);
	else if (!strcmp(r->rule.backend, "iptables-legacy"))
		snprintf(where, sizeof(where), "iptables-legacy -t %s, chain %s, rule %u", table,
			 chain, r->rule.number);
	else if (r->rule.ipt_syntax && r->rule.policy)
		snprintf(where, sizeof(where), "%s -t %s, chain %s", ipt, table, chain);
	else if (r->rule.ipt_syntax)
		snprintf(where, sizeof(where), "%s -t %s, chain %s, rule %u (nft handle %" PRIu64 ")",
			 ipt, table, chain, r->rule.number, r->rule.handle);
	else if (r->rule.policy) {
		snprintf(where, sizeof(where), "nft %s %s, chain %s", r->rule.family, table, chain);
		snprintf(text, sizeof(text), ": policy drop");
	} else
		snprintf(where, sizeof(where), "nft %s %s, chain %s, handle %" PRIu64,
			 r->rule.family, table, chain, r->rule.handle);
	snprintf(line, sizeof(line), "rule: %s%s", where, text);
	/* It replaces the generic "list the rules" hint and ends the explanation. */
	snprintf(r->hints[0], WR_TEXT_LEN, "%s", line);
	if (!r->n_hints)
		r->n_hints = 1;
	n = strlen(r->explanation);
	snprintf(r->explanation + n, WR_TEXT_LEN - n, "; %s", line);
	if (r->rule.text_withheld)
		wr_add_hint(r, "its text is not shown: a name or comment in this namespace's "
			    "ruleset holds a line break, so nft's listing cannot be read line by line");
}
