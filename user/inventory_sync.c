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

static int dump_one(struct wr_inventory *inv, const struct wr_netns *ns)
{
	struct wr_listener_list l = { 0 };
	int fd, err;

	fd = wr_netns_socket(ns, AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return fd;	/* the namespace vanished: nothing listens there */
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

	if (err)
		return err;
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

/* --light: one namespace's poll; a namespace that vanished has no listeners left. */
static int poll_one(struct wr_inventory *inv, uint32_t netns, const struct wr_netns *ns,
		    const struct timespec *now)
{
	struct wr_listener_list l = { 0 };
	int fd = ns ? wr_netns_socket(ns, AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG) : -ENOENT;
	int err = 0;
	size_t i;

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
	return poll_one(inv, netns, wr_netns_lookup(nsl, netns), now);
}

int wr_poll_all(struct wr_inventory *inv, struct wr_netns_list *nsl, const struct timespec *now)
{
	size_t i;
	int err = wr_netns_scan(nsl);

	if (err)
		return err;
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
	ssize_t n = 0;
	size_t len;
	int fd;

	if (!ns)
		return -1;
	fd = wr_netns_open(ns, "/proc/thread-self/net/netstat");
	if (fd < 0)
		return -1;
	/* procfs hands out a page per read: loop until EOF. */
	for (len = 0; len < sizeof(text) - 1; len += (size_t)n) {
		n = read(fd, text + len, sizeof(text) - 1 - len);
		if (n <= 0)
			break;
	}
	close(fd);
	text[len] = '\0';
	return len ? wr_netstat_value(text, "TcpExt", "ListenOverflows") : -1;
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
