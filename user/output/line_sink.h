/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where records go when the tracer runs unattended: a bounded buffer in
 * front of a file descriptor, written only as fast as the reader takes it.
 * A reader that stops (a stuck log shipper, a SIGSTOPped pager) never stops
 * the tracer from draining the kernel: once the buffer is full, whole
 * records are dropped and counted. Every record is written, dropped or
 * still pending; stats report all three.
 *
 * A reader of JSON lines never sees two records on one line. A full disk
 * (ENOSPC, EDQUOT) is a reader that stalls: what is queued stays, and the
 * record the disk cut short is completed once space is freed, so records
 * are whole or absent. Only when the fd fails for good (EIO...) in the
 * middle of a record, or is swapped for a new file (SIGHUP, rotation) then,
 * does a part of it stay written: the rest is dropped, counted, and should
 * writing resume on that file, a newline ends the damaged line first. The
 * one damaged form: a proper prefix of a record (never valid JSON) as the
 * last line of a file, or on a line alone.
 */
#ifndef WR_LINE_SINK_H
#define WR_LINE_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wr_sink {
	int fd;
	char *buf;
	size_t len, cap;
	uint64_t written;	/* records the fd took */
	uint64_t dropped;	/* records dropped: buffer full, or the fd failed */
	uint64_t write_errors;	/* write() failures other than "try later"; a full disk once */
	bool reader_gone;	/* the output is gone for good: the reader exited, fd closed */
	int gone_errno;		/* why: EPIPE, EBADF */
	bool disk_full;		/* ENOSPC, EDQUOT: retried, as a stalled reader is */
	bool mid_record;	/* the record at buf[0] is partly written... */
	uint64_t cut_dev, cut_ino;	/* ...to this file */
	bool damaged;		/* a dropped record's prefix ends that file */
};

/* 0, or -1 when out of memory. `cap` bytes are buffered at most. */
int wr_sink_init(struct wr_sink *s, int fd, size_t cap);
void wr_sink_free(struct wr_sink *s);
/* Queues `line` plus a newline, or drops it whole (counted). */
void wr_sink_put(struct wr_sink *s, const char *line);
/* Writes what the fd takes without blocking. */
void wr_sink_flush(struct wr_sink *s);
/* At exit: flushes for up to timeout_ms, then counts the rest as dropped. */
void wr_sink_drain(struct wr_sink *s, int timeout_ms);
/* Records queued but not written yet. */
uint64_t wr_sink_pending(const struct wr_sink *s);

#endif /* WR_LINE_SINK_H */
