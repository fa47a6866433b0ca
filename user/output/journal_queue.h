/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --journal's records go to journald from a thread of their own. A send
 * waits when journald does not read (stopped, or stuck on a slow disk: its
 * socket's queue holds net.unix.max_dgram_qlen datagrams); on the event
 * loop that wait would hold everything, /metrics and the exit included.
 * The loop copies an entry into a bounded queue and goes on; a full queue
 * drops the whole record and counts it, as line_sink.c does for stdout.
 */
#ifndef WR_JOURNAL_QUEUE_H
#define WR_JOURNAL_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "journal_fields.h"

#define WR_JOURNAL_QUEUE_SLOTS	64	/* ~1.5 MiB when all are in use */

typedef int (*wr_journal_send_fn)(const struct wr_journal_entry *e);

struct wr_journal_queue;

/* The sender thread, calling send (journal_send.c) for each entry; NULL when it cannot start. */
struct wr_journal_queue *wr_journal_queue_new(wr_journal_send_fn send, unsigned slots);
/* Copies e to the queue; false (counted as dropped) when the queue is full. Never waits. */
bool wr_journal_queue_put(struct wr_journal_queue *q, const struct wr_journal_entry *e);

struct wr_journal_counts {
	uint64_t written, write_errors, dropped, pending;
};
void wr_journal_queue_counts(struct wr_journal_queue *q, struct wr_journal_counts *c);
/* Waits up to timeout_ms for the queue to empty; true when it did. */
bool wr_journal_queue_drain(struct wr_journal_queue *q, int timeout_ms);
/*
 * Stops the thread once the queue is empty (up to timeout_ms) and frees it.
 * A thread still inside a send then (journald stuck) is left to the
 * process's exit, with the queue it uses: freeing it would pull it away.
 */
void wr_journal_queue_free(struct wr_journal_queue *q, int timeout_ms);

#endif /* WR_JOURNAL_QUEUE_H */
