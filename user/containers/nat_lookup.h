/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Finds the conntrack entry that translated a refused SYN: conntrack is the
 * source of truth for NAT, read with Debian's libnetfilter_conntrack.
 *
 * A refused SYN's entry does not live long: the RST that refuses it kills
 * an unassured entry as it passes back through the translating namespace,
 * microseconds after the refusal. So every namespace is watched for the
 * destruction of TCP entries in state CLOSE (filtered in the kernel: the
 * normal end of a connection is TIME_WAIT), and translated ones are kept a
 * few seconds. A SYN that was dropped instead leaves its entry alive, and is
 * looked up by its reply tuple: in the refusal's own namespace (REDIRECT,
 * DNAT before a local REJECT), then in the others (a host that DNATs a
 * published port to a container), at most 64 of them, 20 searches a second;
 * searches not made are counted.
 */
#ifndef WR_NAT_LOOKUP_H
#define WR_NAT_LOOKUP_H

#include <stdint.h>

#include "netns.h"
#include "refusal.h"

struct wr_nat_finder;

struct wr_nat_finder *wr_nat_new(void);
/* About once a second: watch namespaces that appeared, forget those gone. */
void wr_nat_watch(struct wr_nat_finder *f, struct wr_netns_list *nsl);
/* Fills r->nat and adds it to the explanation, when NAT translated the SYN. */
void wr_nat_lookup(struct wr_nat_finder *f, struct wr_netns_list *nsl, struct wr_refusal *r);
/* Searches not made because of the rate bound, since start. */
uint64_t wr_nat_skipped(const struct wr_nat_finder *f);
void wr_nat_free(struct wr_nat_finder *f);

#endif /* WR_NAT_LOOKUP_H */
