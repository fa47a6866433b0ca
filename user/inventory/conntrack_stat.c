// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "conntrack_stat.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

#define MAX_COLUMNS 32

/* The column of each counter in the header, -1 where absent. */
static int header_columns(const char *line, size_t len, int col[4])
{
	static const char *const names[4] = { "drop", "early_drop", "insert_failed", "invalid" };
	size_t i = 0, w;
	int n = 0, k, found = 0;

	col[0] = col[1] = col[2] = col[3] = -1;
	while (i < len && n < MAX_COLUMNS) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		for (w = 0; i + w < len && line[i + w] != ' ' && line[i + w] != '\t'; w++)
			;
		if (!w)
			break;
		for (k = 0; k < 4; k++)
			if (strlen(names[k]) == w && !memcmp(line + i, names[k], w)) {
				col[k] = n;
				found++;
			}
		i += w;
		n++;
	}
	return found ? 0 : -1;
}

/* One CPU's line: adds its hex values to the counters' sums. */
static void add_line(const char *line, size_t len, const int col[4], int64_t *sum[4])
{
	char word[20];
	size_t i = 0, w;
	int n = 0, k;
	unsigned long long v;

	while (i < len && n < MAX_COLUMNS) {
		while (i < len && line[i] == ' ')
			i++;
		for (w = 0; i + w < len && line[i + w] != ' '; w++)
			;
		if (!w)
			break;
		if (w < sizeof(word)) {
			memcpy(word, line + i, w);
			word[w] = '\0';
			v = strtoull(word, NULL, 16);
			for (k = 0; k < 4; k++)
				if (col[k] == n && v <= (unsigned long long)(INT64_MAX - *sum[k]))
					*sum[k] += (int64_t)v;
		}
		i += w;
		n++;
	}
}

int wr_ct_stat_parse(const char *text, struct wr_ct_counters *c)
{
	int64_t *sum[4] = { &c->drop, &c->early_drop, &c->insert_failed, &c->invalid };
	const char *line = text, *end;
	int col[4];
	size_t len;

	memset(c, 0, sizeof(*c));
	end = strchr(line, '\n');
	len = end ? (size_t)(end - line) : strlen(line);
	if (header_columns(line, len, col))
		return -1;
	while (end) {
		line = end + 1;
		end = strchr(line, '\n');
		len = end ? (size_t)(end - line) : strlen(line);
		add_line(line, len, col, sum);
	}
	return 0;
}

bool wr_conntrack_wanted(const struct wr_refusal *r)
{
	return (r->cause == WR_CAUSE_FIREWALL_DROP || r->cause == WR_CAUSE_FIREWALL_BLOCKED) &&
	       r->reason && !strcmp(r->reason, "NETFILTER_DROP");
}

static int64_t nonneg(int64_t v)
{
	return v > 0 ? v : 0;	/* a counter never goes back */
}

/* Within 1/64 of the limit when read: entries expire while we look. */
static bool table_full(int64_t count, int64_t max)
{
	return max > 0 && count >= 0 && count >= max - max / 64;
}

/* A NETFILTER_DROP no table's verdict named, and conntrack's drop counter moved: the facts. */
static void tell_dropped(struct wr_refusal *r)
{
	bool full = table_full(r->conntrack.count, r->conntrack.max);

	r->conntrack.dropped = true;
	r->reason = full ? "CONNTRACK_FULL" : "CONNTRACK_DROP";	/* other_drop: verdict.c */
	r->reply = WR_REPLY_NONE;
	r->answers_unwatched = false;
	r->client_sees = "Connection timed out";
	r->rule.present = false;
}

void wr_conntrack_dropped_words(struct wr_refusal *r)
{
	const char *prefix = r->conntrack.ns_prefix;
	const char *when = r->conntrack.since_start ? "in this network namespace so far" :
						      "since the last look";

	if (!r->conntrack.dropped)
		return;
	r->n_hints = 0;		/* the generic drop's hint: conntrack's words stand instead */
	if (table_full(r->conntrack.count, r->conntrack.max))
		snprintf(r->explanation, WR_TEXT_LEN,
			 "conntrack's table is full (%" PRId64 " entries, net.netfilter."
			 "nf_conntrack_max = %" PRId64 "): the kernel dropped the SYN before any "
			 "rule saw it (\"nf_conntrack: table full, dropping packet\"), not a "
			 "firewall rule; the client sees a timeout", r->conntrack.count,
			 r->conntrack.max);
	else
		snprintf(r->explanation, WR_TEXT_LEN,
			 "conntrack dropped the SYN (its drop counter rose), not a firewall rule: "
			 "no entry could be made or kept for it; the client sees a timeout");
	wr_add_hint(r, "conntrack counters %s: drop +%" PRId64 "%s, early_drop +%" PRId64
		    ", insert_failed +%" PRId64 "; the table holds %" PRId64 " of %" PRId64
		    " entries (the limit is the host's, shared by every namespace)", when,
		    r->conntrack.drop, r->conntrack.drop ? "" : " (this drop was counted by "
		    "the look before, read with it)", r->conntrack.early_drop,
		    r->conntrack.insert_failed, r->conntrack.count, r->conntrack.max);
	wr_add_hint(r, "look further: %sconntrack -S; %ssysctl net.netfilter.nf_conntrack_count "
		    "net.netfilter.nf_conntrack_max; raise the limit (host-wide): sysctl -w "
		    "net.netfilter.nf_conntrack_max=N, or find who fills the table: %sconntrack -L",
		    prefix, prefix, prefix);
}

int64_t wr_conntrack_pool(int64_t pool, int64_t growth, bool first, int64_t count, int64_t max)
{
	bool full = table_full(count, max);

	growth = nonneg(growth);
	if (first)		/* the namespace's whole life: only a full table makes them recent */
		return full ? growth : 0;
	if (!full)		/* what moved since the last look, older ones forgotten */
		return growth;
	/*
	 * Full: the drops read at one event's look may be the next ones' (events
	 * are read in batches, the counters when each is told): kept for them.
	 */
	return nonneg(pool) + growth;
}

bool wr_conntrack_explain(struct wr_refusal *r, const struct wr_ct_counters *growth,
			  int64_t pool, int64_t count, int64_t max, bool since_start,
			  const char *prefix)
{
	if (!wr_conntrack_wanted(r))
		return false;
	r->conntrack.looked = true;
	r->conntrack.drop = nonneg(growth->drop);
	r->conntrack.early_drop = nonneg(growth->early_drop);
	r->conntrack.insert_failed = nonneg(growth->insert_failed);
	r->conntrack.invalid = nonneg(growth->invalid);
	r->conntrack.count = count;
	r->conntrack.max = max;
	r->conntrack.since_start = since_start;
	snprintf(r->conntrack.ns_prefix, sizeof(r->conntrack.ns_prefix), "%s", prefix);
	/* A table's verdict named: a rule. No drop of conntrack's left to tell: a rule too. */
	if (r->nf_table[0] || pool <= 0)
		return false;
	tell_dropped(r);
	return true;
}

/* Does the value after `key` (a word, or nft's { set }) name `state`? */
static bool value_names(const char *text, const char *key, const char *state)
{
	const char *v = strstr(text, key);
	size_t n;

	if (!v)
		return false;
	v += strlen(key);
	n = *v == '{' ? strcspn(v, "}") : strcspn(v, " ");
	for (const char *p = v; p && p + strlen(state) <= v + n; p = strstr(p + 1, state))
		if (!strncmp(p, state, strlen(state)))
			return true;
	return false;
}

bool wr_conntrack_invalid_rule(const char *text)
{
	/* nft: ct state invalid, ct state { invalid, untracked }; iptables: -m conntrack
	 * --ctstate INVALID, -m state --state INVALID,UNTRACKED */
	return value_names(text, "ct state ", "invalid") ||
	       value_names(text, "--ctstate ", "INVALID") ||
	       value_names(text, "--state ", "INVALID");
}

void wr_conntrack_invalid_words(struct wr_refusal *r)
{
	const char *prefix = r->conntrack.ns_prefix;

	if ((r->cause != WR_CAUSE_FIREWALL_DROP && r->cause != WR_CAUSE_FIREWALL_BLOCKED &&
	     r->cause != WR_CAUSE_FIREWALL_REJECT) ||
	    !r->rule.found || !wr_conntrack_invalid_rule(r->rule.text))
		return;
	snprintf(r->explanation, WR_TEXT_LEN,
		 "conntrack called the SYN invalid and a rule drops invalid packets: the SYN "
		 "fits no state conntrack knows (a bad checksum, a flag combination no client "
		 "sends, an entry out of sync with the endpoints), not a rule about this client "
		 "or port; the client sees %s", r->client_sees ? r->client_sees : "a timeout");
	if (r->conntrack.looked)
		wr_add_hint(r, "conntrack's invalid counter rose by %" PRId64 " %s", r->conntrack.invalid,
			    r->conntrack.since_start ? "in this network namespace so far" :
			    "since the last look");
	wr_add_hint(r, "look further: %sconntrack -S (invalid); %ssysctl -w "
		    "net.netfilter.nf_conntrack_log_invalid=6 logs why each one is invalid",
		    prefix, prefix);
}
