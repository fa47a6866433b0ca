// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "fwd_policies.h"
#include "explain.h"
#include "fw_objects.h"
#include "refusal.h"
#include "shell_quote.h"

#include <stdio.h>
#include <string.h>

static const char *const subchains[] = { "_pre", "_log", "_deny", "_allow", "_post" };

/* firewalld's zone and policy names: letters, digits, '_' and '-' (its own check is stricter). */
static bool name_ok(const char *s, size_t n)
{
	if (!n || n >= 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!s[i] ||
		    !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", s[i]))
			return false;
	return true;
}

/* `rest` without one of the subchain suffixes; *base when it had none. */
static size_t strip_subchain(const char *rest, bool *base)
{
	size_t n = strlen(rest);

	*base = true;
	for (size_t i = 0; i < sizeof(subchains) / sizeof(subchains[0]); i++) {
		size_t sl = strlen(subchains[i]);

		if (n > sl && !strcmp(rest + n - sl, subchains[i])) {
			*base = false;
			return n - sl;
		}
	}
	return n;
}

static bool copy_name(const char *s, size_t n, char *out, size_t len)
{
	if (!name_ok(s, n) || n >= len)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

bool wr_fwd_policy_of_chain(const char *chain, char *policy, size_t len, const char **dir,
			    bool *base)
{
	static const char *const dirs[] = { "IN", "FWD", "OUT" };
	char prefix[32];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		const char *rest;

		snprintf(prefix, sizeof(prefix), "filter_%s_policy_", dirs[i]);
		if (strncmp(chain, prefix, strlen(prefix)))
			continue;
		rest = chain + strlen(prefix);
		*dir = dirs[i];
		return copy_name(rest, strip_subchain(rest, base), policy, len);
	}
	return false;
}

bool wr_fwd_forward_zone_of_chain(const char *chain, char *zone, size_t len, bool *base)
{
	const char *rest = chain + strlen("filter_FWD_");

	if (strncmp(chain, "filter_FWD_", strlen("filter_FWD_")) || !strncmp(rest, "policy_", 7))
		return false;
	return copy_name(rest, strip_subchain(rest, base), zone, len);
}

/* What a policy's direction means, for people. */
static const char *dir_words(const char *dir)
{
	return !strcmp(dir, "IN") ? "to this host" : !strcmp(dir, "OUT") ? "from this host" :
									  "forwarded";
}

static void policy_hints(struct wr_refusal *r, const char *dir, bool base)
{
	struct wr_rule *ru = &r->rule;
	char qpol[WR_QUOTED_LEN], qrich[WR_QUOTED_LEN];

	wr_shell_quote(ru->fw_policy, qpol, sizeof(qpol));
	wr_add_hint(r, "firewalld: policy %s (traffic %s) blocked it: firewall-cmd --info-policy=%s",
		    ru->fw_policy, dir_words(dir), qpol);
	if (wr_fwd_rich_rule(ru->text, ru->rich_rule, sizeof(ru->rich_rule))) {
		wr_shell_quote(ru->rich_rule, qrich, sizeof(qrich));
		wr_add_hint(r, "firewalld: rich rule %s in policy %s: firewall-cmd --policy=%s "
			    "--remove-rich-rule=%s; to keep it: firewall-cmd --permanent --policy=%s "
			    "--remove-rich-rule=%s", qrich, ru->fw_policy, qpol, qrich, qpol, qrich);
	} else if (base && !ru->policy) {
		/* The policy's target (REJECT, DROP): nothing in it allowed this port. */
		wr_add_hint(r, "firewalld: policy %s allows no %u/tcp: firewall-cmd --policy=%s "
			    "--add-port=%u/tcp; to keep it: firewall-cmd --permanent --policy=%s "
			    "--add-port=%u/tcp", ru->fw_policy, r->dport, qpol, r->dport, qpol,
			    r->dport);
	}
}

/* How the client got to the zone: filter_FORWARD_ZONES's dispatch rule, if traced. */
static void forward_zone_via(struct wr_refusal *r)
{
	struct wr_rule *ru = &r->rule;
	char zone[64], by[256];
	enum wr_fwd_via via;

	for (unsigned i = 0; i < ru->n_path && i < WR_RULE_HOPS; i++) {
		if (strcmp(ru->path[i].chain, "filter_FORWARD_ZONES"))
			continue;
		via = wr_fwd_dispatch(ru->path[i].text, zone, sizeof(zone), by, sizeof(by));
		if (via != WR_FWD_VIA_NONE && !strcmp(zone, ru->zone)) {
			ru->zone_via = (uint8_t)via;
			snprintf(ru->zone_by, sizeof(ru->zone_by), "%s", by);
		}
	}
}

static void forward_zone_hints(struct wr_refusal *r, bool base)
{
	struct wr_rule *ru = &r->rule;
	char qzone[WR_QUOTED_LEN], qrich[WR_QUOTED_LEN];

	wr_shell_quote(ru->zone, qzone, sizeof(qzone));
	if (ru->zone_via == WR_FWD_VIA_INTERFACE)
		wr_add_hint(r, "firewalld: interface %s is in zone %s", ru->zone_by, ru->zone);
	if (wr_fwd_rich_rule(ru->text, ru->rich_rule, sizeof(ru->rich_rule))) {
		wr_shell_quote(ru->rich_rule, qrich, sizeof(qrich));
		wr_add_hint(r, "firewalld: rich rule %s in zone %s: firewall-cmd --zone=%s "
			    "--remove-rich-rule=%s; to keep it: firewall-cmd --permanent --zone=%s "
			    "--remove-rich-rule=%s", qrich, ru->zone, qzone, qrich, qzone, qrich);
	} else if (base && !ru->policy) {
		/* A zone forwards among its own interfaces; to another zone takes a policy. */
		wr_add_hint(r, "firewalld: zone %s forwards only among its own interfaces and no "
			    "policy lets this through to where it goes: firewall-cmd --info-zone=%s; "
			    "firewall-cmd --get-policies", ru->zone, qzone);
	}
}

bool wr_fwd_policy_name(struct wr_refusal *r)
{
	struct wr_rule *ru = &r->rule;
	const char *dir = "FWD";
	bool base;

	if (wr_fwd_policy_of_chain(ru->chain, ru->fw_policy, sizeof(ru->fw_policy), &dir, &base))
		return true;
	ru->fw_policy[0] = '\0';
	if (!wr_fwd_forward_zone_of_chain(ru->chain, ru->zone, sizeof(ru->zone), &base)) {
		ru->zone[0] = '\0';
		return false;
	}
	forward_zone_via(r);
	return true;
}

bool wr_fwd_policy_hints(struct wr_refusal *r)
{
	struct wr_rule *ru = &r->rule;
	char name[sizeof(ru->fw_policy)];
	const char *dir = "FWD";
	bool base;

	if (ru->fw_policy[0] &&
	    wr_fwd_policy_of_chain(ru->chain, name, sizeof(name), &dir, &base)) {
		policy_hints(r, dir, base);
		return true;
	}
	if (ru->zone[0] && wr_fwd_forward_zone_of_chain(ru->chain, name, sizeof(name), &base)) {
		forward_zone_hints(r, base);
		return true;
	}
	return false;
}
