/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Fills the inventory from the kernel: a sock_diag dump per network
 * namespace, process names from /proc, and ListenOverflows per namespace.
 */
#ifndef WR_INVENTORY_SYNC_H
#define WR_INVENTORY_SYNC_H

#include "inventory.h"
#include "netns.h"

/* Rescans namespaces and dumps the listeners of each. */
int wr_sync_all(struct wr_inventory *inv, struct wr_netns_list *nsl);
/*
 * the default mode, instead of LISTEN events: rescans namespaces and diffs each one's
 * listeners against the last poll, recording starts and stops.
 */
int wr_poll_all(struct wr_inventory *inv, struct wr_netns_list *nsl, const struct timespec *now);
/* The same for one namespace (before a no_listener hint). */
int wr_poll_netns(struct wr_inventory *inv, struct wr_netns_list *nsl, uint32_t netns,
		  const struct timespec *now);
/* Re-dumps one namespace (fresh accept queue lengths). */
int wr_sync_netns(struct wr_inventory *inv, struct wr_netns_list *nsl, uint32_t netns);
/*
 * How many times a namespace could not be entered, or the namespaces not
 * listed, for a reason other than their end (EMFILE, ENOMEM...): their
 * listeners were kept as last seen. The first is told on stderr.
 */
uint64_t wr_sync_unreadable(void);
/* Names the owner of every listener of `netns` (0: all) still unnamed. */
void wr_sync_owners(struct wr_inventory *inv, uint32_t netns);
/* TcpExt ListenOverflows of a namespace, or -1. */
int64_t wr_listen_overflows(struct wr_netns_list *nsl, uint32_t netns);
/* The starting point of every namespace scanned (wr_sync_all does it too). */
void wr_listen_overflows_baselines(struct wr_netns_list *nsl);
/* How much it rose since the last call for this namespace (or the initial sync). */
uint64_t wr_listen_overflows_delta(struct wr_netns_list *nsl, uint32_t netns);

#endif /* WR_INVENTORY_SYNC_H */
