// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nat_lookup.c for build/whyrefused-static: Debian ships libnetfilter_conntrack
 * as a shared library only, so the static binary looks no NAT up (a refusal
 * behind DNAT then shows the translated destination alone).
 */
#include "nat_lookup.h"

#include "container_addr.h"
#include "nat.h"

struct wr_nat_finder *wr_nat_new(void)
{
	return NULL;
}

void wr_nat_watch(struct wr_nat_finder *f, struct wr_netns_list *nsl)
{
}

void wr_nat_lookup(struct wr_nat_finder *f, struct wr_netns_list *nsl, struct wr_refusal *r)
{
	/* What the kernel read from the SYN's own conntrack is still said. */
	if (r->nat.found)
		wr_nat_told(r, "this network namespace", NULL);
	/* No DNAT: a forwarded SYN's container needs no conntrack. */
	wr_container_forwarded_to(nsl, r);
}

uint64_t wr_nat_skipped(const struct wr_nat_finder *f)
{
	return 0;
}

void wr_nat_free(struct wr_nat_finder *f)
{
}
