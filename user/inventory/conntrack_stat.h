/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A SYN conntrack dropped, not a rule. When the table is full
 * (net.netfilter.nf_conntrack_max, the host's one limit), __nf_conntrack_alloc()
 * logs "nf_conntrack: table full, dropping packet" and nf_conntrack_in()
 * answers NF_DROP: the kernel frees the SYN with NETFILTER_DROP, as for a
 * rule, but no table's verdict said so. Its per-namespace counters
 * (/proc/net/stat/nf_conntrack: drop, early_drop, insert_failed, invalid)
 * and the table's size (nf_conntrack_count, nf_conntrack_max) are read in
 * the refusal's namespace: a drop counter that moved makes it conntrack's.
 */
#ifndef WR_CONNTRACK_STAT_H
#define WR_CONNTRACK_STAT_H

#include <stdbool.h>
#include <stdint.h>

#include "refusal.h"

struct wr_ct_counters {
	int64_t drop, early_drop, insert_failed, invalid;
};

/*
 * /proc/net/stat/nf_conntrack: a header of column names, then one line of
 * hex values per CPU (columns differ between kernels). Sums each counter
 * over the CPUs; -1 when the header names none of them.
 */
int wr_ct_stat_parse(const char *text, struct wr_ct_counters *c);

/* Does this refusal's explanation need conntrack's counters? */
bool wr_conntrack_wanted(const struct wr_refusal *r);

/*
 * Pure: conntrack's drops not yet told with a SYN (`pool`, -1 at the first
 * look) after its drop counter grew by `growth` since the last look. Only
 * while the table is full are drops kept for the events after (read in a
 * batch, they find the counter already moved); a first look counts the
 * namespace's whole life, trusted only with the table full.
 */
int64_t wr_conntrack_pool(int64_t pool, int64_t growth, bool first, int64_t count, int64_t max);

/*
 * Pure: the facts: conntrack's counters and, where `pool` holds a drop and
 * no table's verdict named a rule, conntrack's drop, not a rule (reason
 * CONNTRACK_FULL or CONNTRACK_DROP; true: one taken from the pool). `count`/`max` -1 when unread; `prefix` runs a command in
 * that namespace (wr_route_ns_prefix's).
 */
bool wr_conntrack_explain(struct wr_refusal *r, const struct wr_ct_counters *growth,
			  int64_t pool, int64_t count, int64_t max, bool since_start,
			  const char *prefix);

/* Does this rule's text (nft or iptables -S) drop what conntrack calls invalid? */
bool wr_conntrack_invalid_rule(const char *text);
/* verdict.c: conntrack's drop told (the table full or not), its counters and commands. */
void wr_conntrack_dropped_words(struct wr_refusal *r);
/*
 * verdict.c, after the rule is named: a rule matching `ct state invalid`
 * (--ctstate INVALID) is told as conntrack's verdict on the SYN, with its
 * invalid counter and namespace (wr_conntrack_context's) and how to log
 * why. Else nothing changes.
 */
void wr_conntrack_invalid_words(struct wr_refusal *r);

struct wr_netns_list;
/* conntrack_lookup.c: for a NETFILTER_DROP no table's verdict named, reads, then explains. */
void wr_conntrack_context(struct wr_netns_list *nsl, struct wr_refusal *r);

#endif /* WR_CONNTRACK_STAT_H */
