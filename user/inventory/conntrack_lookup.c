// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* conntrack's counters and table size, read in the refusal's namespace (conntrack_stat.h). */
#include "conntrack_stat.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"
#include "route_back.h"

/* Counter values per namespace at the last look, to tell how much they moved. */
#define BASE_SLOTS 256
static struct {
	uint32_t netns;
	struct wr_ct_counters c;
	int64_t pool;		/* drops not told yet (wr_conntrack_pool) */
} base[BASE_SLOTS];

static int64_t read_number(const struct wr_netns *ns, const char *path)
{
	char val[32];
	int64_t v;

	if (!wr_netns_read(ns, path, val, sizeof(val)) || sscanf(val, "%" SCNd64, &v) != 1)
		return -1;
	return v;
}

void wr_conntrack_context(struct wr_netns_list *nsl, struct wr_refusal *r)
{
	static char text[65536];	/* a line per CPU */
	char prefix[WR_ADDR_STRLEN + 1100];
	struct wr_ct_counters now, growth;
	const struct wr_netns *ns;
	size_t slot = r->netns % BASE_SLOTS;
	int64_t count, max, pool;
	bool first;

	if (!wr_conntrack_wanted(r))
		return;
	ns = wr_netns_lookup(nsl, r->netns);
	/* No file: conntrack is not loaded there, so it dropped nothing. */
	if (!ns || !wr_netns_read(ns, "/proc/thread-self/net/stat/nf_conntrack", text, sizeof(text)) ||
	    wr_ct_stat_parse(text, &now))
		return;
	first = base[slot].netns != r->netns;	/* a slot taken by another: a first look */
	growth = now;
	if (!first) {
		growth.drop -= base[slot].c.drop;
		growth.early_drop -= base[slot].c.early_drop;
		growth.insert_failed -= base[slot].c.insert_failed;
		growth.invalid -= base[slot].c.invalid;
	}
	count = read_number(ns, "/proc/sys/net/netfilter/nf_conntrack_count");
	max = read_number(ns, "/proc/sys/net/netfilter/nf_conntrack_max");
	pool = wr_conntrack_pool(first ? 0 : base[slot].pool, growth.drop, first, count, max);
	base[slot].netns = r->netns;
	base[slot].c = now;
	wr_route_ns_prefix(ns->name, ns->pid, r->netns == wr_netns_self(), prefix, sizeof(prefix));
	base[slot].pool = pool - wr_conntrack_explain(r, &growth, pool, count, max, first, prefix);
}
