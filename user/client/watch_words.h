/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The words of a --watch-client report: its text lines and its JSON fields. Pure. */
#ifndef WR_WATCH_WORDS_H
#define WR_WATCH_WORDS_H

#include "client_watch.h"
#include "json_writer.h"

typedef void wr_watch_label_fn(void *arg, uint32_t netns, char *buf, size_t len);

/* "3 SYNs from 192.0.2.2 reached this host (1 connection)", or the block before it. */
void wr_watch_verdict(const struct wr_watch *w, bool reached, char *buf, size_t len);
/* The report: a line for the verdict, one per connection and per XDP program. */
size_t wr_watch_text(const struct wr_watch *w, bool reached, uint64_t now_ms,
		     wr_watch_label_fn *label_netns, void *arg, char *buf, size_t len);
/* The `watch` record's fields after `ts` and `event` (docs/json.md). */
void wr_watch_json(struct jw *j, const struct wr_watch *w, bool reached, uint64_t now_ms,
		   wr_watch_label_fn *label_netns, void *arg);

#endif /* WR_WATCH_WORDS_H */
