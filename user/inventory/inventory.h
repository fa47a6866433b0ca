/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What listens where: the current listeners of every network namespace
 * (seeded by sock_diag, kept current by LISTEN events) and a bounded
 * history of who started and stopped listening. Pure data, no I/O.
 */
#ifndef WR_INVENTORY_H
#define WR_INVENTORY_H

#include <stddef.h>

#include "listener.h"

#define WR_HISTORY_MAX 1024

struct wr_inventory {
	struct wr_listener *v;
	size_t n;
	size_t cap;
	struct wr_listen_record hist[WR_HISTORY_MAX];	/* ring, oldest overwritten */
	size_t hist_n;
	size_t hist_next;
};

void wr_inv_init(struct wr_inventory *inv);
void wr_inv_free(struct wr_inventory *inv);
int wr_inv_add(struct wr_inventory *inv, const struct wr_listener *l);
/* Removes one listener with the same netns, family, address and port. */
bool wr_inv_remove(struct wr_inventory *inv, const struct wr_listener *l);
/* Replaces every listener of `netns` by a fresh dump. */
int wr_inv_replace_netns(struct wr_inventory *inv, uint32_t netns,
			 const struct wr_listener *fresh, size_t n);
/*
 * The listener poll: a fresh dump of `netns` replaces its listeners; what is gone is
 * recorded as a stop with the owner it had, between the last poll that found
 * it (`seen`) and `now`; what is new as a start. A listener found again keeps
 * its owner.
 */
int wr_inv_poll_netns(struct wr_inventory *inv, uint32_t netns, const struct wr_listener *fresh,
		      size_t n, const struct timespec *now);
/* The listener at the same place with the same inode (where both are known). */
struct wr_listener *wr_inv_find_socket(struct wr_inventory *inv, const struct wr_listener *l);
/*
 * A listener whose accept queue was over its limit when last dumped (the
 * kernel drops SYNs there: sk_acceptq_is_full), the first after `after`
 * (NULL: from the start); NULL if none.
 */
const struct wr_listener *wr_inv_full_queue(const struct wr_inventory *inv,
					    const struct wr_listener *after);
/* Applies a LISTEN event: add or remove, and record it in the history. */
int wr_inv_apply(struct wr_inventory *inv, const struct wr_listen_record *rec);
/* History entry i, 0 = newest; NULL past the end. */
const struct wr_listen_record *wr_inv_history(const struct wr_inventory *inv, size_t i);

bool wr_listener_same_socket(const struct wr_listener *a, const struct wr_listener *b);
bool wr_addr_is_any(int family, const uint8_t *addr);

#endif /* WR_INVENTORY_H */
