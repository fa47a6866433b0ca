// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "client_verdict.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "output.h"
#include "refusal.h"

static int parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	const char *p;

	if (!*s || strlen(s) > 5)
		return -1;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int wr_client_parse_target(const char *s, char *host, size_t hostlen, uint16_t *port,
			   char *err, size_t errlen)
{
	const char *colon = strrchr(s, ':');
	const char *h = s;
	size_t n;

	if (!colon || parse_port(colon + 1, port))
		goto bad;
	n = (size_t)(colon - s);
	if (s[0] == '[') {		/* [2001:db8::1]:22 */
		if (n < 3 || s[n - 1] != ']')
			goto bad;
		h = s + 1;
		n -= 2;
	} else if (memchr(s, ':', n)) {
		snprintf(err, errlen, "invalid --client '%s' (an IPv6 address goes in brackets: "
			 "[2001:db8::1]:22)", s);
		return -1;
	}
	if (n == 0 || n >= hostlen || n >= WR_CLIENT_HOST_MAX || memchr(h, '[', n) ||
	    memchr(h, ']', n))
		goto bad;
	for (size_t i = 0; i < n; i++)	/* a name or an address: no spaces or controls */
		if ((unsigned char)h[i] <= ' ' || (unsigned char)h[i] == 0x7f)
			goto bad;
	memcpy(host, h, n);
	host[n] = '\0';
	if (s[0] == '[') {
		struct in6_addr a6;

		if (inet_pton(AF_INET6, host, &a6) != 1)
			goto bad;
	}
	return 0;
bad:
	snprintf(err, errlen, "invalid --client '%s' (expected HOST:PORT, e.g. 192.0.2.10:22, "
		 "[2001:db8::1]:22 or server.example:22)", s);
	return -1;
}

int wr_client_read_errqueue(const struct msghdr *m, struct wr_client_icmp *out)
{
	struct msghdr copy = *m;	/* CMSG_NXTHDR only reads it */
	struct cmsghdr *c;

	memset(out, 0, sizeof(*out));
	if (!copy.msg_control || copy.msg_controllen < sizeof(struct cmsghdr))
		return -1;
	for (c = CMSG_FIRSTHDR(&copy); c; c = CMSG_NXTHDR(&copy, c)) {
		const unsigned char *end = (const unsigned char *)copy.msg_control +
					   copy.msg_controllen;
		const unsigned char *data = CMSG_DATA(c);
		struct sock_extended_err ee;
		uint8_t family;
		size_t have;

		if (c->cmsg_len < CMSG_LEN(sizeof(ee)) || data > end)
			continue;
		have = c->cmsg_len - CMSG_LEN(0);
		if ((size_t)(end - data) < have)
			have = (size_t)(end - data);
		if (have < sizeof(ee))
			continue;
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR)
			family = AF_INET;
		else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)
			family = AF_INET6;
		else
			continue;
		memcpy(&ee, data, sizeof(ee));
		if (ee.ee_origin != (family == AF_INET ? SO_EE_ORIGIN_ICMP : SO_EE_ORIGIN_ICMP6))
			continue;
		out->seen = true;
		out->family = family;
		out->type = ee.ee_type;
		out->code = ee.ee_code;
		/* SO_EE_OFFENDER: the sockaddr right after the struct, if it is all there. */
		if (family == AF_INET && have >= sizeof(ee) + sizeof(struct sockaddr_in)) {
			struct sockaddr_in sin;

			memcpy(&sin, data + sizeof(ee), sizeof(sin));
			if (sin.sin_family == AF_INET) {
				memcpy(out->from, &sin.sin_addr, 4);
				out->from_known = true;
			}
		} else if (family == AF_INET6 && have >= sizeof(ee) + sizeof(struct sockaddr_in6)) {
			struct sockaddr_in6 sin6;

			memcpy(&sin6, data + sizeof(ee), sizeof(sin6));
			if (sin6.sin6_family == AF_INET6) {
				memcpy(out->from, &sin6.sin6_addr, 16);
				out->from_known = true;
			}
		}
		return 0;
	}
	return -1;
}

static bool is_unreach(uint8_t family, uint8_t type)
{
	return family == AF_INET6 ? type == 1 : type == 3;
}

static bool is_time_exceeded(uint8_t family, uint8_t type)
{
	return family == AF_INET6 ? type == 3 : type == 11;
}

const char *wr_client_icmp_name(uint8_t family, uint8_t type, uint8_t code, char *buf, size_t len)
{
	struct wr_refusal *r;
	const char *proto = family == AF_INET6 ? "icmpv6" : "icmp";

	if (is_time_exceeded(family, type)) {
		snprintf(buf, len, "%s time-exceeded", proto);
		return buf;
	}
	if (!is_unreach(family, type)) {
		snprintf(buf, len, "%s type %u code %u", proto, type, code);
		return buf;
	}
	/* The server side's names for the same codes: one vocabulary. */
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(buf, len, "%s unreachable code %u", proto, code);
		return buf;
	}
	r->reply = family == AF_INET6 ? WR_REPLY_ICMP6 : WR_REPLY_ICMP;
	r->icmp_code = code;
	proto = wr_reply_name(r, buf, len);	/* buf, or a constant */
	if (proto != buf)
		snprintf(buf, len, "%s", proto);
	free(r);
	return buf;
}

/* A code that says "no way there" rather than "not allowed". */
static bool is_routing_code(uint8_t family, uint8_t code)
{
	if (family == AF_INET6)
		return code == 0 || code == 2 || code == 3;	/* no-route, beyond-scope, addr-unreachable */
	return code == 0 || code == 1 || code == 5 || code == 6 || code == 7 ||
	       code == 11 || code == 12;
}

const char *wr_client_side_name(enum wr_client_side s)
{
	switch (s) {
	case WR_SIDE_NONE: return "none";
	case WR_SIDE_SERVER: return "server";
	case WR_SIDE_ROUTER: return "router";
	case WR_SIDE_CLIENT: return "client";
	case WR_SIDE_PATH: return "path";
	}
	return "none";
}

static bool addr_eq(const uint8_t *a, const uint8_t *b, uint8_t family)
{
	return !memcmp(a, b, family == AF_INET6 ? 16 : 4);
}

static bool addr_zero(const uint8_t *a, uint8_t family)
{
	static const uint8_t zero[16];

	return addr_eq(a, zero, family);
}

static void addr_str(uint8_t family, const uint8_t *a, char *buf, size_t len)
{
	if (!inet_ntop(family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static void icmp_verdict(const struct wr_client_obs *o, struct wr_client_verdict *v,
			 const char *dst)
{
	const struct wr_client_icmp *i = &o->icmp;
	char from[48];

	wr_client_icmp_name(i->family, i->type, i->code, v->reply, sizeof(v->reply));
	if (!i->from_known) {
		v->cause = is_routing_code(i->family, i->code) ? "no_route" : "firewall_reject";
		v->side = WR_SIDE_PATH;
		snprintf(v->explanation, sizeof(v->explanation), "%s from an unknown address: "
			 "a router on the way or HOST rejected the SYN", v->reply);
		return;
	}
	addr_str(i->family, i->from, from, sizeof(from));
	snprintf(v->hop, sizeof(v->hop), "%s", from);
	if (is_time_exceeded(i->family, i->type)) {
		v->cause = "no_route";
		v->side = WR_SIDE_ROUTER;
		snprintf(v->explanation, sizeof(v->explanation), "%s from %s: the SYN's TTL ran "
			 "out on the way (a routing loop?)", v->reply, from);
		snprintf(v->hint, sizeof(v->hint), "traceroute -T -p %u %s", o->port, dst);
		return;
	}
	if (addr_eq(i->from, o->daddr, o->family)) {
		/* The TCP stack never answers a SYN with ICMP: a rule on HOST did. */
		v->cause = "firewall_reject";
		v->side = WR_SIDE_SERVER;
		snprintf(v->explanation, sizeof(v->explanation), "%s from HOST itself (%s): a "
			 "REJECT rule on HOST: run whyrefused there", v->reply, from);
		snprintf(v->hint, sizeof(v->hint), "on %s: whyrefused -p %u (names the rule)", from,
			 o->port);
		return;
	}
	if (!addr_zero(o->saddr, o->family) && addr_eq(i->from, o->saddr, o->family)) {
		v->side = WR_SIDE_CLIENT;
		if (is_routing_code(i->family, i->code)) {
			v->cause = "no_route";
			snprintf(v->explanation, sizeof(v->explanation), "%s from this machine (%s): "
				 "the next hop to HOST did not answer (ARP/neighbour discovery): "
				 "HOST or its gateway is down or not on this link", v->reply, from);
			snprintf(v->hint, sizeof(v->hint), "ip route get %s; ip neigh show", dst);
		} else {
			v->cause = "firewall_reject";
			snprintf(v->explanation, sizeof(v->explanation), "%s from this machine (%s): "
				 "a REJECT rule in this machine's own output", v->reply, from);
			snprintf(v->hint, sizeof(v->hint), "nft list ruleset; iptables -S OUTPUT");
		}
		return;
	}
	v->side = WR_SIDE_ROUTER;
	if (is_routing_code(i->family, i->code)) {
		v->cause = "no_route";
		snprintf(v->explanation, sizeof(v->explanation), "%s from %s, a router before HOST: "
			 "it has no route to HOST, or HOST does not answer it", v->reply, from);
		snprintf(v->hint, sizeof(v->hint), "on %s: ip route get %s", from, dst);
	} else {
		v->cause = "firewall_reject";
		snprintf(v->explanation, sizeof(v->explanation), "%s from %s, a router before HOST: "
			 "its firewall rejects what it forwards to HOST, HOST never saw the SYN",
			 v->reply, from);
		snprintf(v->hint, sizeof(v->hint), "on %s: nft list ruleset (its forward chains)",
			 from);
	}
}

static void silence_verdict(const struct wr_client_obs *o, struct wr_client_verdict *v,
			    const char *dst)
{
	const struct wr_client_trace *t = &o->trace;
	char hop[48];

	v->cause = "no_answer";
	v->side = WR_SIDE_PATH;
	snprintf(v->reply, sizeof(v->reply), "none");
	if (!t->done) {
		snprintf(v->explanation, sizeof(v->explanation), "no answer at all: a drop on the "
			 "way or at HOST (firewall_drop, backlog_full or other_drop there)");
		snprintf(v->hint, sizeof(v->hint), "on %s: whyrefused -p %u; from here: "
			 "traceroute -T -p %u %s", dst, o->port, o->port, dst);
		return;
	}
	if (t->reached_host) {
		snprintf(v->hop, sizeof(v->hop), "%s", dst);
		v->side = WR_SIDE_SERVER;
		snprintf(v->explanation, sizeof(v->explanation), "no answer to the connection, but a "
			 "later SYN reached HOST and was answered: drops at HOST come and go (a full "
			 "accept queue? a rate limit?)");
		snprintf(v->hint, sizeof(v->hint), "on %s: whyrefused -p %u", dst, o->port);
		return;
	}
	if (t->last_ttl == 0) {
		snprintf(v->explanation, sizeof(v->explanation), "no answer at all: a drop on the "
			 "way or at HOST; not even the first hop answered a SYN with a short TTL "
			 "(%u sent): a drop right here or at the first router, or hops that send no ICMP",
			 t->probes);
		snprintf(v->hint, sizeof(v->hint), "ip route get %s; nft list ruleset; on %s: "
			 "whyrefused -p %u", dst, dst, o->port);
		return;
	}
	addr_str(o->family, t->last_hop, hop, sizeof(hop));
	snprintf(v->hop, sizeof(v->hop), "%s", hop);
	snprintf(v->explanation, sizeof(v->explanation), "no answer at all: a drop on the way or "
		 "at HOST; SYNs get as far as %s (hop %u, the last that answered): the drop is "
		 "after it, in its forwarding or further on, or at HOST", hop, t->last_ttl);
	snprintf(v->hint, sizeof(v->hint), "on %s: nft list ruleset (its forward chains); "
		 "on %s: whyrefused -p %u", hop, dst, o->port);
}

void wr_client_classify(const struct wr_client_obs *o, struct wr_client_verdict *v)
{
	char dst[48];

	memset(v, 0, sizeof(*v));
	addr_str(o->family, o->daddr, dst, sizeof(dst));
	v->exit_code = o->err ? 1 : 0;
	v->client_sees = o->err ? strerror(o->err) : "connected";
	if (!o->err) {
		v->cause = "connected";
		v->side = WR_SIDE_NONE;
		snprintf(v->reply, sizeof(v->reply), "syn-ack");
		snprintf(v->explanation, sizeof(v->explanation), "connected in %llu ms; closed "
			 "again", (unsigned long long)o->elapsed_ms);
		return;
	}
	if (o->icmp.seen) {
		icmp_verdict(o, v, dst);
		return;
	}
	switch (o->err) {
	case ECONNREFUSED:
		v->cause = "no_listener";
		v->side = WR_SIDE_SERVER;
		snprintf(v->reply, sizeof(v->reply), "tcp-reset");
		snprintf(v->hop, sizeof(v->hop), "%s", dst);
		snprintf(v->explanation, sizeof(v->explanation), "refused by HOST itself (RST from "
			 "%s): run whyrefused there", dst);
		snprintf(v->hint, sizeof(v->hint), "nothing listens on port %u there, or a rule "
			 "answers tcp-reset; on %s: ss -ltn; whyrefused -p %u", o->port, dst, o->port);
		return;
	case ETIMEDOUT:
		silence_verdict(o, v, dst);
		return;
	case ENETUNREACH:
	case EHOSTUNREACH:
		v->cause = "no_route";
		v->side = WR_SIDE_CLIENT;
		snprintf(v->reply, sizeof(v->reply), "none");
		snprintf(v->explanation, sizeof(v->explanation), "this machine has no route to %s: "
			 "no SYN left", dst);
		snprintf(v->hint, sizeof(v->hint), "ip route get %s", dst);
		return;
	case EPERM:
	case EACCES:
		v->cause = "firewall_drop";
		v->side = WR_SIDE_CLIENT;
		snprintf(v->reply, sizeof(v->reply), "none");
		snprintf(v->explanation, sizeof(v->explanation), "this machine's own firewall "
			 "dropped the SYN on its way out (connect() got %s)", strerror(o->err));
		snprintf(v->hint, sizeof(v->hint), "nft list ruleset; iptables -S OUTPUT");
		return;
	}
	v->cause = "error";
	v->side = WR_SIDE_CLIENT;
	snprintf(v->reply, sizeof(v->reply), "none");
	snprintf(v->explanation, sizeof(v->explanation), "connect() failed here: %s",
		 strerror(o->err));
}

static const char *label(const char *cause)
{
	static const struct { const char *cause, *label; } t[] = {
		{ "connected", "CONNECTED" }, { "no_listener", "REFUSED" },
		{ "firewall_reject", "REJECTED" }, { "firewall_drop", "DROPPED" },
		{ "no_route", "UNREACH" }, { "no_answer", "SILENT" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].cause, cause))
			return t[i].label;
	return "ERROR";
}

static void endpoint(uint8_t family, const uint8_t *a, uint16_t port, char *buf, size_t len)
{
	char s[48];

	addr_str(family, a, s, sizeof(s));
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", s, port);
}

void wr_client_print_text(FILE *f, const struct wr_client_obs *o, const struct wr_client_verdict *v)
{
	char host[WR_CLIENT_HOST_MAX], src[64], dst[64];

	wr_text_sanitize(host, o->host, sizeof(host));
	endpoint(o->family, o->daddr, o->port, dst, sizeof(dst));
	if (addr_zero(o->saddr, o->family))
		snprintf(src, sizeof(src), "this machine");
	else
		endpoint(o->family, o->saddr, o->sport, src, sizeof(src));
	fprintf(f, "%-9s %s -> %s (HOST %s)  %s", label(v->cause), src, dst, host, v->explanation);
	if (strcmp(v->cause, "connected"))
		fprintf(f, "; the client sees %s", v->client_sees);
	fputc('\n', f);
	if (v->hint[0])
		fprintf(f, "          %s\n", v->hint);
	if (o->tried > 1 || o->addresses > o->tried)
		fprintf(f, "          HOST has %u addresses, %u tried in order (as ssh does); this "
			"is the last\n", o->addresses, o->tried);
}

void wr_client_json(struct jw *w, const char *ts, const struct wr_client_obs *o,
		    const struct wr_client_verdict *v)
{
	char a[48];

	jw_object_begin(w);
	jw_field_string(w, "ts", ts);
	jw_field_string(w, "event", "client");
	jw_field_string(w, "host", o->host);
	jw_field_uint(w, "port", o->port);
	jw_field_string(w, "family", o->family == AF_INET6 ? "ipv6" : "ipv4");
	addr_str(o->family, o->daddr, a, sizeof(a));
	jw_field_string(w, "daddr", a);
	if (!addr_zero(o->saddr, o->family)) {
		addr_str(o->family, o->saddr, a, sizeof(a));
		jw_field_string(w, "saddr", a);
		jw_field_uint(w, "sport", o->sport);
	}
	jw_field_string(w, "cause", v->cause);
	jw_field_string(w, "side", wr_client_side_name(v->side));
	jw_field_string(w, "reply", v->reply);
	if (v->hop[0])
		jw_field_string(w, "hop", v->hop);
	if (o->icmp.seen) {
		jw_key(w, "icmp");
		jw_object_begin(w);
		jw_field_uint(w, "type", o->icmp.type);
		jw_field_uint(w, "code", o->icmp.code);
		if (o->icmp.from_known) {
			addr_str(o->icmp.family, o->icmp.from, a, sizeof(a));
			jw_field_string(w, "from", a);
		}
		jw_object_end(w);
	}
	if (o->trace.done) {
		jw_key(w, "trace");
		jw_object_begin(w);
		jw_field_uint(w, "probes", o->trace.probes);
		jw_field_uint(w, "last_ttl", o->trace.last_ttl);
		if (o->trace.last_ttl) {
			addr_str(o->family, o->trace.last_hop, a, sizeof(a));
			jw_field_string(w, "last_hop", a);
		}
		jw_field_bool(w, "reached_host", o->trace.reached_host);
		jw_object_end(w);
	}
	jw_field_string(w, "client_sees", v->client_sees);
	jw_field_string(w, "explanation", v->explanation);
	jw_key(w, "hints");
	jw_array_begin(w);
	if (v->hint[0])
		jw_string(w, v->hint);
	jw_array_end(w);
	jw_field_uint(w, "elapsed_ms", o->elapsed_ms);
	jw_field_uint(w, "addresses", o->addresses);
	jw_field_uint(w, "tried", o->tried);
	jw_object_end(w);
}
