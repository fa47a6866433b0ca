/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The pipeline step that asks the refusal's namespace for its route back to
 * the client (RTM_GETROUTE over rtnetlink, libmnl framing; no `ip` is run),
 * for the causes whose story is the way back: handshake_incomplete, and a
 * SYN rp_filter dropped. One request, answered while it is sent (the
 * kernel's route lookup is synchronous); a receive timeout bounds it anyway.
 */
#ifndef WR_ROUTE_LOOKUP_H
#define WR_ROUTE_LOOKUP_H

#include "netns.h"
#include "refusal.h"

/* Fills r->route_back and its hint when wr_route_back_wanted(r); else nothing. */
void wr_route_lookup(struct wr_netns_list *l, struct wr_refusal *r);

#endif /* WR_ROUTE_LOOKUP_H */
