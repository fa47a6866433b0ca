/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The SYN queue (request sockets) of a listener: when it is full, the
 * kernel answers with syncookies (TCPReqQFullDoCookies) or, with
 * net.ipv4.tcp_syncookies = 0, drops the SYN (TCPReqQFullDrop) without a
 * SYN-ACK and without a drop reason. Both counters and the sysctl are read
 * in the refusal's namespace (/proc/net/netstat, /proc/sys) for a SYN a
 * listener took unanswered, and told with it.
 */
#ifndef WR_SYN_QUEUE_H
#define WR_SYN_QUEUE_H

#include <stdint.h>

#include "refusal.h"

/*
 * Pure: the counters' growth and the sysctl (-1: unread) as facts
 * (r->syn_queue); a LISTEN_DROP whose TCPReqQFullDrop moved becomes
 * SYN_QUEUE_FULL.
 */
void wr_syn_queue_count(struct wr_refusal *r, int64_t drops, int64_t cookies, int syncookies,
			bool since_start);
/* verdict.c: those facts in words (a full SYN queue's sentence, its hints). */
void wr_syn_queue_words(struct wr_refusal *r);

struct wr_netns_list;
/* syn_queue_lookup.c: for other_drop LISTEN_DROP and backlog_full, reads, then counts. */
void wr_syn_queue_context(struct wr_netns_list *nsl, struct wr_refusal *r);

#endif /* WR_SYN_QUEUE_H */
