// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The SYN queue counters and sysctl, read in the refusal's namespace (syn_queue.h). */
#include "syn_queue.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"
#include "netstat.h"
#include "verdict.h"

/* Counter values per namespace at the last look, to tell how much they moved. */
#define BASE_SLOTS 256
static struct {
	uint32_t netns;
	int64_t drops, cookies;
} base[BASE_SLOTS];

void wr_syn_queue_context(struct wr_netns_list *nsl, struct wr_refusal *r)
{
	static char text[16384];
	const struct wr_netns *ns;
	char val[16];
	int64_t drops, cookies;
	size_t slot = r->netns % BASE_SLOTS;
	bool first;
	int syncookies = -1;

	enum wr_cause cause = wr_cause_of(r);	/* hints.c told a full accept queue by now */

	if (!(cause == WR_CAUSE_BACKLOG_FULL ||
	      (cause == WR_CAUSE_OTHER_DROP && r->reason && !strcmp(r->reason, "LISTEN_DROP"))))
		return;
	ns = wr_netns_lookup(nsl, r->netns);
	if (!ns || !wr_netns_read(ns, "/proc/thread-self/net/netstat", text, sizeof(text)))
		return;
	drops = wr_netstat_value(text, "TcpExt", "TCPReqQFullDrop");
	cookies = wr_netstat_value(text, "TcpExt", "TCPReqQFullDoCookies");
	if (drops < 0 || cookies < 0)
		return;
	if (wr_netns_read(ns, "/proc/sys/net/ipv4/tcp_syncookies", val, sizeof(val)) &&
	    sscanf(val, "%d", &syncookies) != 1)
		syncookies = -1;
	first = base[slot].netns != r->netns;	/* a slot taken by another: a first look */
	wr_syn_queue_count(r, first ? drops : drops - base[slot].drops,
			     first ? cookies : cookies - base[slot].cookies, syncookies, first);
	base[slot].netns = r->netns;
	base[slot].drops = drops;
	base[slot].cookies = cookies;
}
