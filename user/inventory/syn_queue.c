// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "syn_queue.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "verdict.h"

void wr_syn_queue_count(struct wr_refusal *r, int64_t drops, int64_t cookies, int syncookies,
			bool since_start)
{
	bool listen_drop = wr_cause_of(r) == WR_CAUSE_OTHER_DROP && r->reason &&
			   !strcmp(r->reason, "LISTEN_DROP");

	drops = drops > 0 ? drops : 0;		/* a counter never goes back */
	cookies = cookies > 0 ? cookies : 0;
	r->syn_queue.looked = true;
	r->syn_queue.drops = drops;
	r->syn_queue.cookies = cookies;
	r->syn_queue.syncookies = syncookies;
	r->syn_queue.since_start = since_start;
	if (listen_drop && drops > 0)
		r->reason = "SYN_QUEUE_FULL";	/* the counter moved: the SYN queue, not an LSM */
}

void wr_syn_queue_words(struct wr_refusal *r)
{
	const char *when = r->syn_queue.since_start ? "in this network namespace so far" :
						      "since the last look";

	if (!r->syn_queue.looked)
		return;
	if (r->reason && !strcmp(r->reason, "SYN_QUEUE_FULL")) {
		snprintf(r->explanation, WR_TEXT_LEN,
			 "the listener's SYN queue is full and syncookies are off "
			 "(net.ipv4.tcp_syncookies = %d): the kernel dropped the SYN without a "
			 "SYN-ACK; the client sees a timeout", r->syn_queue.syncookies);
		wr_add_hint(r, "TCPReqQFullDrop rose by %" PRId64 " %s: half-open connections "
			    "fill the queue (a SYN flood, or clients whose ACKs do not come back); "
			    "sysctl -w net.ipv4.tcp_syncookies=1 answers them with syncookies",
			    r->syn_queue.drops, when);
	}
	if (r->syn_queue.cookies > 0)
		wr_add_hint(r, "the SYN queue overflowed: TCPReqQFullDoCookies rose by %" PRId64
			    " %s (SYNs answered with syncookies, not dropped)", r->syn_queue.cookies,
			    when);
}
