/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the client dialled, when NAT (DNAT, REDIRECT: a published container
 * port, a kube-proxy service, a port redirect) sent the SYN somewhere else
 * before it was refused. The pure half: reading a conntrack entry's tuples
 * and saying it; nat_lookup.c finds the entry.
 */
#ifndef WR_NAT_H
#define WR_NAT_H

#include <stdbool.h>
#include <stdint.h>

#include "refusal.h"

/* A conntrack entry, as much as we read of it (addresses in network order). */
struct wr_ct_entry {
	int family;			/* AF_INET, AF_INET6 */
	uint8_t orig_daddr[16];		/* original direction: what the client sent to */
	uint16_t orig_dport;		/* host order */
	uint8_t reply_saddr[16];	/* reply direction: who answers */
	uint16_t reply_sport;
};

/*
 * Fills r->nat when `e` (found in namespace `netns` by the refused SYN's
 * reply tuple) translated the destination; false when it did not (the
 * entry of a namespace that only tracked the flow).
 */
bool wr_nat_from_entry(const struct wr_ct_entry *e, uint32_t netns, struct wr_refusal *r);

/*
 * What NAT did, in words (r->nat.told; explain.c ends the sentence with it):
 * "the client dialled 192.0.2.1:8080 and DNAT in <where> sent it to
 * 203.0.113.5:80". `where` names the translating
 * namespace ("this network namespace" when it is the refusal's own);
 * `here`, when not NULL, names the refusal's ("in container web (podman)").
 */
void wr_nat_told(struct wr_refusal *r, const char *where, const char *here);

/* The verdict's words for a SYN blocked on its way to a container (container_addr.c). */
void wr_container_by_addr_words(struct wr_refusal *r);

#endif /* WR_NAT_H */
