/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Kernel event -> printable facts. Pure: names and clocks are passed in. */
#ifndef WR_EVENT_DECODE_H
#define WR_EVENT_DECODE_H

#include "proc_ends.h"
#include "refusal.h"

struct wr_decode_ctx {
	struct wr_enum_table drop_reasons;	/* enum skb_drop_reason */
	struct wr_enum_table rst_reasons;	/* enum sk_rst_reason */
	int64_t mono_to_real_ns;		/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	/* Optional: symbolizes a kernel address; NULL or returns NULL if unknown. */
	const char *(*symbolize)(void *arg, uint64_t addr);
	void *symbolize_arg;
};

/* Returns 0, or -1 when the event is malformed (unknown family or kind). */
int wr_decode_event(const struct wr_decode_ctx *ctx, const struct wr_event *ev,
		    struct wr_refusal *r);

/* A LISTEN transition; returns 0, or -1 when malformed. */
int wr_decode_listen(const struct wr_decode_ctx *ctx, const struct wr_listen_event *ev,
		     struct wr_listen_record *rec);

/* A listener process's end or exec; returns 0, or -1 when malformed. */
int wr_decode_proc(const struct wr_decode_ctx *ctx, const struct wr_proc_event *ev,
		   struct wr_proc_end *e);

#endif /* WR_EVENT_DECODE_H */
