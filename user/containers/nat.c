// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nat.h"
#include "containers.h"
#include "explain.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

bool wr_nat_from_entry(const struct wr_ct_entry *e, uint32_t netns, struct wr_refusal *r)
{
	size_t alen = e->family == AF_INET6 ? 16 : 4;
	struct wr_nat *n = &r->nat;

	if (!memcmp(e->orig_daddr, e->reply_saddr, alen) && e->orig_dport == e->reply_sport)
		return false;	/* tracked, not translated */
	memset(n, 0, sizeof(*n));
	n->found = true;
	n->netns = netns;
	inet_ntop(e->family, e->orig_daddr, n->daddr, sizeof(n->daddr));
	memcpy(n->daddr_raw, e->orig_daddr, alen);
	n->dport = e->orig_dport;
	inet_ntop(e->family, e->reply_saddr, n->to_daddr, sizeof(n->to_daddr));
	n->to_dport = e->reply_sport;
	return true;
}

static void endpoint(int family, const char *addr, uint16_t port, char *buf, size_t len)
{
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", addr, port);
}

void wr_nat_told(struct wr_refusal *r, const char *where, const char *here)
{
	char dialled[64], to[64];

	if (!r->nat.found)
		return;
	endpoint(r->family, r->nat.daddr, r->nat.dport, dialled, sizeof(dialled));
	endpoint(r->family, r->nat.to_daddr, r->nat.to_dport, to, sizeof(to));
	snprintf(r->nat.told, sizeof(r->nat.told),
		 "the client dialled %s and DNAT in %s sent it to %s%s%s", dialled, where, to,
		 here ? " in " : "", here ? here : "");
}

void wr_container_by_addr_words(struct wr_refusal *r)
{
	char label[400];

	if (!r->container_by_addr)
		return;
	wr_container_label(&r->container, label, sizeof(label));
	wr_add_hint(r, "the SYN was on its way to %s, whose network namespace holds %s", label,
		    r->daddr);
}
