// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "inventory.h"

#include "grow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

void wr_inv_init(struct wr_inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
}

void wr_inv_free(struct wr_inventory *inv)
{
	free(inv->v);
	wr_inv_init(inv);
}

bool wr_addr_is_any(int family, const uint8_t *addr)
{
	static const uint8_t zero[16];

	return !memcmp(addr, zero, family == AF_INET6 ? 16 : 4);
}

bool wr_listener_same_socket(const struct wr_listener *a, const struct wr_listener *b)
{
	return a->netns == b->netns && a->family == b->family && a->port == b->port &&
	       !memcmp(a->addr, b->addr, a->family == AF_INET6 ? 16 : 4);
}

int wr_inv_add(struct wr_inventory *inv, const struct wr_listener *l)
{
	if (wr_grow((void **)&inv->v, &inv->cap, inv->n, sizeof(*inv->v)))
		return -ENOMEM;
	inv->v[inv->n++] = *l;
	return 0;
}

bool wr_inv_remove(struct wr_inventory *inv, const struct wr_listener *l)
{
	size_t i;

	for (i = 0; i < inv->n; i++) {
		if (wr_listener_same_socket(&inv->v[i], l)) {
			inv->v[i] = inv->v[--inv->n];
			return true;
		}
	}
	return false;
}

int wr_inv_replace_netns(struct wr_inventory *inv, uint32_t netns,
			 const struct wr_listener *fresh, size_t n)
{
	size_t i = 0, j;

	while (i < inv->n) {
		if (inv->v[i].netns == netns)
			inv->v[i] = inv->v[--inv->n];
		else
			i++;
	}
	for (j = 0; j < n; j++)
		if (wr_inv_add(inv, &fresh[j]))
			return -ENOMEM;
	return 0;
}

/* What is known of a listener's owner: its process, unit and container. */
static void take_owner(struct wr_listener *dst, const struct wr_listener *src)
{
	dst->pid = src->pid;
	memcpy(dst->comm, src->comm, sizeof(dst->comm));
	memcpy(dst->unit, src->unit, sizeof(dst->unit));
	dst->publishes = src->publishes;
}

static void history_add(struct wr_inventory *inv, const struct wr_listen_record *rec)
{
	inv->hist[inv->hist_next] = *rec;
	inv->hist_next = (inv->hist_next + 1) % WR_HISTORY_MAX;
	if (inv->hist_n < WR_HISTORY_MAX)
		inv->hist_n++;
}

/* The same socket still there: same place and, where both are known, same inode. */
static bool still_there(const struct wr_listener *old, const struct wr_listener *fresh)
{
	return wr_listener_same_socket(old, fresh) &&
	       (!old->inode || !fresh->inode || old->inode == fresh->inode);
}

const struct wr_listener *wr_inv_full_queue(const struct wr_inventory *inv,
					    const struct wr_listener *after)
{
	size_t i = after ? (size_t)(after - inv->v) + 1 : 0;

	for (; i < inv->n; i++)
		if (inv->v[i].rqueue > inv->v[i].wqueue)
			return &inv->v[i];
	return NULL;
}

struct wr_listener *wr_inv_find_socket(struct wr_inventory *inv, const struct wr_listener *l)
{
	for (size_t i = 0; i < inv->n; i++)
		if (still_there(&inv->v[i], l))
			return &inv->v[i];
	return NULL;
}

int wr_inv_poll_netns(struct wr_inventory *inv, uint32_t netns, const struct wr_listener *fresh,
		      size_t n, const struct timespec *now)
{
	struct wr_listen_record rec = { .ts = *now };
	size_t i = 0, j;
	bool kept;

	/* Gone since the last poll: a stop, owned by whoever was seen running it. */
	while (i < inv->n) {
		if (inv->v[i].netns != netns) {
			i++;
			continue;
		}
		for (j = 0, kept = false; j < n && !kept; j++)
			kept = still_there(&inv->v[i], &fresh[j]);
		if (kept) {
			i++;
			continue;
		}
		rec.stop = true;
		rec.l = inv->v[i];
		rec.after = inv->v[i].seen;
		history_add(inv, &rec);
		inv->v[i] = inv->v[--inv->n];
	}
	for (j = 0; j < n; j++) {
		struct wr_listener *old = wr_inv_find_socket(inv, &fresh[j]);

		if (old) {	/* fresh queue lengths; the owner as first seen */
			struct wr_listener first = *old;

			*old = fresh[j];
			old->seen = *now;
			if (!old->pid)
				take_owner(old, &first);
			continue;
		}
		rec.stop = false;
		rec.l = fresh[j];
		rec.l.seen = *now;
		rec.after = (struct timespec){ 0 };
		history_add(inv, &rec);
		if (wr_inv_add(inv, &rec.l))
			return -ENOMEM;
	}
	return 0;
}

int wr_inv_apply(struct wr_inventory *inv, const struct wr_listen_record *rec)
{
	if (rec->stop) {
		struct wr_listen_record r = *rec;

		/*
		 * Its unit and container were readable only while it ran, and a
		 * process that exec'd closes its sockets under its new name: the
		 * same process is told as it was when it listened.
		 */
		for (size_t i = 0; i < inv->n; i++) {
			const struct wr_listener *known = &inv->v[i];

			if (!wr_listener_same_socket(known, &r.l) ||
			    (r.l.pid && known->pid && known->pid != r.l.pid))
				continue;
			if (known->pid)	/* unit and container come only with a pid */
				take_owner(&r.l, known);
			break;
		}
		history_add(inv, &r);
		wr_inv_remove(inv, &r.l);
		return 0;
	}
	history_add(inv, rec);
	/* Already known from a dump that raced with the event: name its owner. */
	for (size_t i = 0; i < inv->n; i++) {
		if (wr_listener_same_socket(&inv->v[i], &rec->l)) {
			take_owner(&inv->v[i], &rec->l);
			return 0;
		}
	}
	return wr_inv_add(inv, &rec->l);
}

const struct wr_listen_record *wr_inv_history(const struct wr_inventory *inv, size_t i)
{
	if (i >= inv->hist_n)
		return NULL;
	return &inv->hist[(inv->hist_next + WR_HISTORY_MAX - 1 - i) % WR_HISTORY_MAX];
}
