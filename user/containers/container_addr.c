// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "container_addr.h"
#include "containers.h"
#include "explain.h"
#include "netns.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_TRIED 64	/* container namespaces bound in, per lookup */

/*
 * Is the address local in `ns`? A bind() to it succeeds only there (port
 * 0: nothing is taken; a namespace with ip_nonlocal_bind set would say yes
 * to any, which a container runtime does not set).
 */
static bool local_in(const struct wr_netns *ns, int family, const void *addr)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd = wr_netns_socket(ns, family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool local;

	if (fd < 0)
		return false;
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		memcpy(&s->sin_addr, addr, 4);
		len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		memcpy(&s->sin6_addr, addr, 16);
		len = sizeof(*s);
	}
	local = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return local;
}

bool wr_container_holding(const struct wr_netns_list *nsl, uint32_t skip, const char *addr,
			  struct wr_container *c)
{
	unsigned char raw[16];
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	struct wr_container each;
	size_t i, tried = 0, found = 0;

	memset(c, 0, sizeof(*c));
	if (inet_pton(family, addr, raw) != 1)
		return false;
	for (i = 0; i < nsl->n && tried < MAX_TRIED; i++) {
		const struct wr_netns *ns = &nsl->v[i];

		/* A container's process first (cached, cheap): most namespaces are not one. */
		if (ns->inode == skip || !ns->pid || !wr_netns_container(nsl, ns->inode, &each))
			continue;
		tried++;
		if (!local_in(ns, family, raw))
			continue;
		/*
		 * Two containers on separate networks may hold the same address:
		 * which one this SYN was for is not known then, and a guess
		 * would send the reader to the wrong container.
		 */
		if (found++) {
			memset(c, 0, sizeof(*c));
			return false;
		}
		*c = each;
	}
	return found == 1;
}

/* A firewall's cause, as the event tells it so far (fw_rules.c's wr_fw_wants, without the lane). */
static bool firewall_cause(const struct wr_refusal *r)
{
	return r->cause == WR_CAUSE_FIREWALL_REJECT || r->cause == WR_CAUSE_FIREWALL_DROP ||
	       r->cause == WR_CAUSE_FIREWALL_BLOCKED;
}

void wr_container_forwarded_to(const struct wr_netns_list *nsl, struct wr_refusal *r)
{
	const struct wr_netns *own = wr_netns_find(nsl, r->netns);

	/* Blocked on its way through, not to this namespace: to whom? */
	if (r->in_container || r->nat.found || !firewall_cause(r) || !own ||
	    local_in(own, r->family, r->daddr_raw) ||
	    !wr_container_holding(nsl, r->netns, r->daddr, &r->container))
		return;
	r->in_container = true;
	r->container_by_addr = true;	/* its words: containers.c, at the verdict */
}
