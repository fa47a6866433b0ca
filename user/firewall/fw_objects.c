// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "fw_objects.h"

#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "fwd_policies.h"
#include "shell_quote.h"

static const char *const zone_subchains[] = { "_pre", "_log", "_deny", "_allow", "_post" };

/* firewalld's zone names: letters, digits, '_' and '-' (its own check is stricter). */
static bool zone_name_ok(const char *z, size_t n)
{
	if (!n || n >= 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", z[i]) ||
		    !z[i])
			return false;
	return true;
}

static bool copy_n(char *out, size_t len, const char *s, size_t n)
{
	if (n >= len)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

bool wr_fwd_zone_of_chain(const char *chain, char *zone, size_t len)
{
	const char *z = chain + strlen("filter_IN_");
	size_t n;

	if (strncmp(chain, "filter_IN_", strlen("filter_IN_")) || !strncmp(z, "policy_", 7))
		return false;	/* filter_IN_policy_*: a policy's (fwd_policies.c) */
	n = strlen(z);
	for (size_t i = 0; i < sizeof(zone_subchains) / sizeof(zone_subchains[0]); i++) {
		size_t sl = strlen(zone_subchains[i]);

		if (n > sl && !strcmp(z + n - sl, zone_subchains[i])) {
			n -= sl;
			break;
		}
	}
	return zone_name_ok(z, n) && copy_n(zone, len, z, n);
}

/* The next space-separated word of *p into w (at most wl-1 bytes); false at the end. */
static bool word(const char **p, char *w, size_t wl)
{
	const char *s = *p;
	size_t n;

	while (*s == ' ')
		s++;
	n = strcspn(s, " \t\n");
	if (!n || n >= wl)
		return false;
	memcpy(w, s, n);
	w[n] = '\0';
	*p = s + n;
	return true;
}

static bool at_end(const char *p)
{
	while (*p == ' ')
		p++;
	return !*p;
}

static bool addr_ok(const char *a)
{
	return *a && strspn(a, "0123456789abcdefABCDEF.:/") == strlen(a);
}

/* `goto filter_IN_<zone>` (or filter_FWD_<zone>, forwarded) and nothing after it. */
static bool goto_zone(const char *p, char *zone, size_t zlen)
{
	char w[128];
	size_t pl;

	if (!word(&p, w, sizeof(w)) || strcmp(w, "goto") || !word(&p, w, sizeof(w)) || !at_end(p))
		return false;
	pl = !strncmp(w, "filter_IN_", 10) ? 10 : !strncmp(w, "filter_FWD_", 11) ? 11 : 0;
	return pl && zone_name_ok(w + pl, strlen(w + pl)) &&
	       copy_n(zone, zlen, w + pl, strlen(w + pl));
}

enum wr_fwd_via wr_fwd_dispatch(const char *text, char *zone, size_t zlen, char *what,
				size_t wlen)
{
	const char *p = text;
	char w[128], arg[128];

	what[0] = '\0';
	if (goto_zone(p, zone, zlen))
		return WR_FWD_VIA_DEFAULT;
	if (!word(&p, w, sizeof(w)) || !word(&p, arg, sizeof(arg)))
		return WR_FWD_VIA_NONE;
	if (!strcmp(w, "iifname")) {
		size_t n = strlen(arg);

		/* "DEV": an interface name (IFNAMSIZ), no quote or space inside. */
		if (n < 3 || n > 17 || arg[0] != '"' || arg[n - 1] != '"' ||
		    memchr(arg + 1, '"', n - 2) || !goto_zone(p, zone, zlen) ||
		    !copy_n(what, wlen, arg + 1, n - 2))
			return WR_FWD_VIA_NONE;
		return WR_FWD_VIA_INTERFACE;
	}
	if ((!strcmp(w, "ip") || !strcmp(w, "ip6")) && !strcmp(arg, "saddr") &&
	    word(&p, arg, sizeof(arg)) && addr_ok(arg) && goto_zone(p, zone, zlen) &&
	    copy_n(what, wlen, arg, strlen(arg)))
		return WR_FWD_VIA_SOURCE;
	return WR_FWD_VIA_NONE;
}

bool wr_fwd_rich_rule(const char *text, char *out, size_t len)
{
	const char *p = text, *family = NULL, *action = NULL;
	char w[64], src[64] = "", proto[8] = "", port[16] = "";
	int n;

	if (!word(&p, w, sizeof(w)))
		return false;
	if (!strcmp(w, "meta")) {	/* meta nfproto ipv4: a family without a source */
		if (!word(&p, w, sizeof(w)) || strcmp(w, "nfproto") || !word(&p, w, sizeof(w)))
			return false;
		family = !strcmp(w, "ipv4") ? "ipv4" : !strcmp(w, "ipv6") ? "ipv6" : NULL;
		if (!family || !word(&p, w, sizeof(w)))
			return false;
	} else if (!strcmp(w, "ip") || !strcmp(w, "ip6")) {
		family = w[2] ? "ipv6" : "ipv4";
		if (!word(&p, w, sizeof(w)) || strcmp(w, "saddr") || !word(&p, src, sizeof(src)) ||
		    !addr_ok(src) || !word(&p, w, sizeof(w)))
			return false;
	}
	if (!strcmp(w, "tcp") || !strcmp(w, "udp") || !strcmp(w, "sctp") || !strcmp(w, "dccp")) {
		snprintf(proto, sizeof(proto), "%s", w);
		if (!word(&p, w, sizeof(w)) || strcmp(w, "dport") || !word(&p, port, sizeof(port)) ||
		    strspn(port, "0123456789-") != strlen(port) || port[0] == '-' ||
		    !word(&p, w, sizeof(w)))
			return false;
	}
	if (!src[0] && !port[0])
		return false;
	if (!strcmp(w, "drop") && at_end(p)) {
		action = "drop";
	} else if (!strcmp(w, "reject")) {
		char with[16], kind[16], type[32];

		/* Only the reject firewalld renders for a rich `reject` with no type. */
		if (!word(&p, with, sizeof(with)) || strcmp(with, "with") ||
		    !word(&p, kind, sizeof(kind)) || !word(&p, type, sizeof(type)) || !at_end(p) ||
		    strcmp(type, "port-unreachable") ||
		    strcmp(kind, !family ? "icmpx" : !strcmp(family, "ipv4") ? "icmp" : "icmpv6"))
			return false;
		action = "reject";
	} else {
		return false;
	}
	n = snprintf(out, len, "rule");
	if (family)
		n += snprintf(out + n, len - (size_t)n, " family=\"%s\"", family);
	if (src[0] && (size_t)n < len)
		n += snprintf(out + n, len - (size_t)n, " source address=\"%s\"", src);
	if (port[0] && (size_t)n < len)
		n += snprintf(out + n, len - (size_t)n, " port port=\"%s\" protocol=\"%s\"", port,
			      proto);
	if ((size_t)n < len)
		n += snprintf(out + n, len - (size_t)n, " %s", action);
	return n > 0 && (size_t)n < len;
}

static bool dns_chars(const char *s, size_t n, const char *extra)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      (s[i] && strchr(extra, s[i]))))
			return false;
	return s[0] != '-' && s[n - 1] != '-';
}

bool wr_kube_service(const char *s, char *svc, size_t len, bool *local)
{
	size_t ns = strcspn(s, "/"), name, port;
	const char *rest;

	*local = false;
	if (ns > 63 || s[ns] != '/' || !dns_chars(s, ns, ""))
		return false;
	name = strcspn(s + ns + 1, ":");
	if (name > 253 || s[ns + 1 + name] != ':' || !dns_chars(s + ns + 1, name, "."))
		return false;
	rest = s + ns + 1 + name + 1;
	port = strspn(rest, "abcdefghijklmnopqrstuvwxyz0123456789-");
	if (port > 15)
		return false;
	if (!strcmp(rest + port, " has no local endpoints"))
		*local = true;
	else if (rest[port] && strcmp(rest + port, " has no endpoints"))
		return false;
	return copy_n(svc, len, s, (size_t)(rest + port - s));
}

bool wr_kube_service_of_rule(const char *text, char *svc, size_t len, bool *local)
{
	const char *c = strstr(text, "--comment \"");
	char comment[320];
	size_t n;

	if (!c)
		return false;
	c += strlen("--comment \"");
	n = strcspn(c, "\"");
	return c[n] == '"' && copy_n(comment, sizeof(comment), c, n) &&
	       wr_kube_service(comment, svc, len, local);
}

bool wr_kube_map_element(const char *listing, const char *key, char *comment, size_t clen,
			 char *verdict, size_t vlen)
{
	const char *elems = strstr(listing, "elements = {"), *p;
	size_t kl = strlen(key);

	if (!elems || !kl)
		return false;
	for (p = strstr(elems, key); p; p = strstr(p + 1, key)) {
		const char *b = p, *c, *v;
		size_t n;

		while (b > elems && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\n'))
			b--;
		if (b == elems || (b[-1] != '{' && b[-1] != ','))
			continue;	/* not at an element's start */
		if (strncmp(p + kl, " comment \"", 10))
			continue;
		c = p + kl + 10;
		n = strcspn(c, "\"\n");
		if (c[n] != '"' || !copy_n(comment, clen, c, n) || strncmp(c + n, "\" : ", 4))
			return false;
		v = c + n + 4;
		n = strcspn(v, ",}\n");
		while (n && v[n - 1] == ' ')
			n--;
		return copy_n(verdict, vlen, v, n);
	}
	return false;
}

const char *wr_kube_vmap(const char *text)
{
	static const char *const maps[] = { "no-endpoint-services", "no-endpoint-nodeports" };

	for (size_t i = 0; i < 2; i++) {
		char mark[48];
		const char *p;

		snprintf(mark, sizeof(mark), "vmap @%s", maps[i]);
		p = strstr(text, mark);
		if (p && (!p[strlen(mark)] || p[strlen(mark)] == ' '))
			return maps[i];
	}
	return NULL;
}

static void kube_name(struct wr_refusal *r)
{
	struct wr_rule *ru = &r->rule;

	if (ru->element[0]) {
		if (!wr_kube_service(ru->element, ru->service, sizeof(ru->service), &ru->service_local))
			return;
		/* Only the verdict map says which: drop for "no local endpoints". */
		ru->service_local = !strcmp(ru->element_verdict, "drop");
	} else {
		wr_kube_service_of_rule(ru->text, ru->service, sizeof(ru->service),
					&ru->service_local);
	}
}

/* A Service named (ru->service is only written once it is one). */
static void kube_hints(struct wr_refusal *r)
{
	const struct wr_rule *ru = &r->rule;

	if (!ru->service[0])
		return;
	if (ru->element[0]) {
		/* The lookup that matched: the rule itself (a drop element) or the last jump. */
		const struct wr_rule_hop *h = wr_kube_vmap(ru->text) || !ru->n_path ? NULL :
					      &ru->path[ru->n_path - 1];

		wr_add_hint(r, "matched: chain %s, handle %llu: \"%s\", element %s comment "
			    "\"%s\" : %s", h ? h->chain : ru->chain,
			    (unsigned long long)(h ? h->handle : ru->handle), h ? h->text : ru->text,
			    ru->element_key, ru->element, ru->element_verdict);
	}
	/* The command to look is the owner's (rule_owners.conf: kubectl get endpointslices). */
	wr_add_hint(r, "kube-proxy: Service %s has no %sendpoints%s", ru->service,
		    ru->service_local ? "local " : "",
		    ru->service_local ? " on this node (externalTrafficPolicy: Local)" :
					" (no ready Pod backs it)");
}

static void firewalld_name(struct wr_refusal *r)
{
	struct wr_rule *ru = &r->rule;
	char zone[64] = "", chain_zone[64] = "", by[256] = "";
	enum wr_fwd_via via = WR_FWD_VIA_NONE;

	if (wr_fwd_policy_name(r))	/* a policy's chain, or a zone's forwarding */
		return;
	for (unsigned i = 0; i < ru->n_path && i < WR_RULE_HOPS; i++)
		if (!strcmp(ru->path[i].chain, "filter_INPUT_ZONES") ||
		    !strcmp(ru->path[i].chain, "filter_FORWARD_ZONES"))
			via = wr_fwd_dispatch(ru->path[i].text, zone, sizeof(zone), by, sizeof(by));
	if (!wr_fwd_zone_of_chain(ru->chain, chain_zone, sizeof(chain_zone)))
		return;
	if (via == WR_FWD_VIA_NONE || strcmp(zone, chain_zone)) {
		via = WR_FWD_VIA_NONE;
		by[0] = '\0';
	}
	snprintf(ru->zone, sizeof(ru->zone), "%s", chain_zone);
	ru->zone_via = (uint8_t)via;
	snprintf(ru->zone_by, sizeof(ru->zone_by), "%s", by);
	ru->rich_rule_named = wr_fwd_rich_rule(ru->text, ru->rich_rule, sizeof(ru->rich_rule));
}

/* A zone named (ru->zone is only written once it is one): how the client got there, what to change. */
static void firewalld_hints(struct wr_refusal *r)
{
	const struct wr_rule *ru = &r->rule;
	char qzone[WR_QUOTED_LEN], qby[WR_QUOTED_LEN], qrich[WR_QUOTED_LEN];
	const char *proto = "tcp", *by = ru->zone_by;

	if (!ru->zone[0])
		return;
	wr_shell_quote(ru->zone, qzone, sizeof(qzone));
	wr_shell_quote(by, qby, sizeof(qby));
	if (ru->zone_via == WR_FWD_VIA_SOURCE)
		wr_add_hint(r, "firewalld: the client's source %s is bound to zone %s: firewall-cmd "
			    "--zone=%s --remove-source=%s; to keep it: firewall-cmd --permanent "
			    "--zone=%s --remove-source=%s", by, ru->zone, qzone, qby, qzone, qby);
	else if (ru->zone_via == WR_FWD_VIA_INTERFACE)
		wr_add_hint(r, "firewalld: interface %s is in zone %s", by, ru->zone);
	else if (ru->zone_via == WR_FWD_VIA_DEFAULT)
		wr_add_hint(r, "firewalld: zone %s is the default zone (the interface is bound to "
			    "no zone, no source matched)", ru->zone);
	if (ru->rich_rule_named) {
		wr_shell_quote(ru->rich_rule, qrich, sizeof(qrich));
		wr_add_hint(r, "firewalld: rich rule %s in zone %s: firewall-cmd --zone=%s "
			    "--remove-rich-rule=%s; to keep it: firewall-cmd --permanent --zone=%s "
			    "--remove-rich-rule=%s", qrich, ru->zone, qzone, qrich, qzone, qrich);
	} else if (!strcmp(ru->chain + strlen("filter_IN_"), ru->zone) && !ru->policy) {
		/* The zone's last word: nothing in it allowed this port. */
		wr_add_hint(r, "firewalld: zone %s allows no %u/%s: firewall-cmd --zone=%s "
			    "--add-port=%u/%s; to keep it: firewall-cmd --permanent --zone=%s "
			    "--add-port=%u/%s", ru->zone, r->dport, proto, qzone, r->dport, proto,
			    qzone, r->dport, proto);
	}
}

void wr_fw_objects_name(struct wr_refusal *r)
{
	struct wr_rule *ru = &r->rule;

	if (!ru->present || !ru->found)
		return;
	if (!strcmp(ru->table, "firewalld") && !strcmp(ru->backend, "nftables"))
		firewalld_name(r);
	else if (!strcmp(ru->table, "kube-proxy") || !strncmp(ru->chain, "KUBE-", 5))
		kube_name(r);
}

void wr_fw_objects_hints(struct wr_refusal *r)
{
	if (!r->rule.present || !r->rule.found)
		return;
	if (!wr_fwd_policy_hints(r))	/* a policy's chain, a zone's forwarding: their words */
		firewalld_hints(r);
	kube_hints(r);
}
