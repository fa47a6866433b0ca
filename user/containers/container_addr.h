/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The container that holds an address: where DNAT sent a flow that a rule
 * then blocked before it left (podman's netavark keeps its containers'
 * addresses in a database of its own, Kubernetes' in the API server), the
 * container whose network namespace has that address on an interface.
 */
#ifndef WR_CONTAINER_ADDR_H
#define WR_CONTAINER_ADDR_H

#include <stdbool.h>
#include <stdint.h>

struct wr_container;
struct wr_netns_list;
struct wr_refusal;

/*
 * The container (containers.c: by a process's cgroup) whose namespace, not
 * `skip`, has `addr` ("203.0.113.5", "2001:db8::5") as a local address;
 * false when none, or when two containers hold it. Only namespaces a container's process holds are tried,
 * at most a bounded number, each with one socket bound there.
 */
bool wr_container_holding(const struct wr_netns_list *nsl, uint32_t skip, const char *addr,
			  struct wr_container *c);

/*
 * A firewall cause whose SYN was forwarded, not DNAT'ed, and blocked on its
 * way (netavark's isolation, a FORWARD rule): the container it was for,
 * named in r->container and a hint.
 */
void wr_container_forwarded_to(const struct wr_netns_list *nsl, struct wr_refusal *r);

#endif /* WR_CONTAINER_ADDR_H */
