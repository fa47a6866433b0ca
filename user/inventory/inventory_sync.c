// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "inventory_sync.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netstat.h"
#include "owner_watch.h"
#include "proc_owner.h"
#include "sock_diag.h"

/* The process holding a listener, and the container it publishes the port for, if any. */
static void name_owner(struct wr_listener *l)
{
	if (!wr_owner_lookup(l->inode, &l->pid, l->comm, sizeof(l->comm))) {
		wr_owner_details(l);
		wr_owner_watch(l->pid);
	}
}

static uint64_t unreadable;

uint64_t wr_sync_unreadable(void)
{
	return unreadable;
}

/*
 * A namespace we could not enter, or could not look for, while it may
 * still be there (EMFILE, ENOMEM, EPERM...): what listened there is kept as
 * last seen. Counted; told once, as it may recur at every poll.
 */
static void unreadable_netns(uint32_t netns, int err)
{
	static bool told;

	unreadable++;
	if (told)
		return;
	told = true;
	if (netns)
		fprintf(stderr, "whyrefused: cannot enter network namespace %u to read its listeners: "
			"%s; keeping what was seen there last (told once)\n", netns, strerror(-err));
	else
		fprintf(stderr, "whyrefused: cannot list network namespaces: %s; keeping what was seen "
			"in each last (told once)\n", strerror(-err));
}

static int dump_one(struct wr_inventory *inv, const struct wr_netns *ns)
{
	struct wr_listener_list l = { 0 };
	int fd, err;

	fd = wr_netns_socket(ns, AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		/* Gone: LISTEN events tell each close. Not entered: nothing known changed. */
		if (!wr_netns_gone(fd))
			unreadable_netns(ns->inode, fd);
		return fd;
	}
	err = wr_diag_dump_listeners(fd, ns->inode, &l);
	close(fd);
	if (!err)
		err = wr_inv_replace_netns(inv, ns->inode, l.v, l.n);
	wr_listener_list_free(&l);
	return err;
}

int wr_sync_all(struct wr_inventory *inv, struct wr_netns_list *nsl)
{
	size_t i;
	int err = wr_netns_scan(nsl);

	if (err) {
		unreadable_netns(0, err);
		return err;
	}
	for (i = 0; i < nsl->n; i++)
		dump_one(inv, &nsl->v[i]);
	wr_listen_overflows_baselines(nsl);
	return 0;
}

void wr_listen_overflows_baselines(struct wr_netns_list *nsl)
{
	for (size_t i = 0; i < nsl->n; i++)
		wr_listen_overflows_delta(nsl, nsl->v[i].inode);
}

/*
 * The default mode: one namespace's poll. `ns` NULL: a complete scan found
 * nothing holding it. A namespace that is gone has no listeners left; one
 * that could not be entered (wr_netns_gone() false) keeps what it had.
 */
static int poll_one(struct wr_inventory *inv, uint32_t netns, const struct wr_netns *ns,
		    const struct timespec *now)
{
	struct wr_listener_list l = { 0 };
	int fd = ns ? wr_netns_socket(ns, AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG) : -ENOENT;
	int err = 0;
	size_t i;

	if (fd < 0 && !wr_netns_gone(fd)) {
		unreadable_netns(netns, fd);
		return fd;
	}
	if (fd >= 0) {
		err = wr_diag_dump_listeners(fd, netns, &l);
		close(fd);
	}
	/*
	 * Owners of new listeners now, while they run: a stop is reported with
	 * them. One whose owner a rate-limited /proc scan missed is tried again.
	 */
	for (i = 0; !err && i < l.n; i++) {
		const struct wr_listener *known = wr_inv_find_socket(inv, &l.v[i]);

		if (l.v[i].inode && (!known || !known->pid))
			name_owner(&l.v[i]);
	}
	if (!err)	/* a failed dump says nothing about what stopped */
		err = wr_inv_poll_netns(inv, netns, l.v, l.n, now);
	wr_listener_list_free(&l);
	return err;
}

int wr_poll_netns(struct wr_inventory *inv, struct wr_netns_list *nsl, uint32_t netns,
		  const struct timespec *now)
{
	const struct wr_netns *ns = wr_netns_find(nsl, netns);
	int err;

	if (!ns) {	/* new since the last scan, or gone: only a complete scan tells */
		err = wr_netns_scan(nsl);
		if (err) {
			unreadable_netns(0, err);
			return err;
		}
		ns = wr_netns_find(nsl, netns);
	}
	return poll_one(inv, netns, ns, now);
}

int wr_poll_all(struct wr_inventory *inv, struct wr_netns_list *nsl, const struct timespec *now)
{
	size_t i;
	int err = wr_netns_scan(nsl);

	if (err) {	/* a namespace missing from a partial list is not gone */
		unreadable_netns(0, err);
		return err;
	}
	for (i = 0; i < nsl->n; i++)
		poll_one(inv, nsl->v[i].inode, &nsl->v[i], now);
	/* Listeners of a namespace no process holds any more: it is gone, they stopped. */
	for (i = 0; i < inv->n;) {
		if (wr_netns_find(nsl, inv->v[i].netns)) {
			i++;
			continue;
		}
		poll_one(inv, inv->v[i].netns, NULL, now);
		i = 0;
	}
	return 0;
}

int wr_sync_netns(struct wr_inventory *inv, struct wr_netns_list *nsl, uint32_t netns)
{
	const struct wr_netns *ns = wr_netns_lookup(nsl, netns);

	return ns ? dump_one(inv, ns) : -ENOENT;
}

void wr_sync_owners(struct wr_inventory *inv, uint32_t netns)
{
	size_t i;

	for (i = 0; i < inv->n; i++) {
		struct wr_listener *l = &inv->v[i];

		if (l->pid || !l->inode || (netns && l->netns != netns))
			continue;
		name_owner(l);
	}
}

int64_t wr_listen_overflows(struct wr_netns_list *nsl, uint32_t netns)
{
	const struct wr_netns *ns = wr_netns_lookup(nsl, netns);
	static char text[16384];

	if (!ns || !wr_netns_read(ns, "/proc/thread-self/net/netstat", text, sizeof(text)))
		return -1;
	return wr_netstat_value(text, "TcpExt", "ListenOverflows");
}

/* ListenOverflows seen per namespace, so a refusal can say how much it moved. */
#define OVERFLOW_SLOTS 512
static struct {
	uint32_t netns;
	int64_t value;
} overflow_base[OVERFLOW_SLOTS];

uint64_t wr_listen_overflows_delta(struct wr_netns_list *nsl, uint32_t netns)
{
	int64_t now = wr_listen_overflows(nsl, netns);
	size_t i, slot = netns % OVERFLOW_SLOTS;
	uint64_t delta = 0;

	if (now < 0)
		return 0;
	for (i = 0; i < OVERFLOW_SLOTS; i++, slot = (slot + 1) % OVERFLOW_SLOTS)
		if (overflow_base[slot].netns == netns || !overflow_base[slot].netns)
			break;
	if (overflow_base[slot].netns == netns && now > overflow_base[slot].value)
		delta = (uint64_t)(now - overflow_base[slot].value);
	overflow_base[slot].netns = netns;
	overflow_base[slot].value = now;
	return delta;
}
