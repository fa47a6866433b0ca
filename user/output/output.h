/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Every record the tool prints, as a human line or a JSON line, from one
 * place. Each record is formatted in memory and written with one fwrite, so
 * write errors (a closed pipe, a full disk) are counted, not fatal.
 */
#ifndef WR_OUTPUT_H
#define WR_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "journal_fields.h"
#include "journal_queue.h"
#include "json_writer.h"
#include "line_sink.h"
#include "refusal.h"

#define WR_MAX_HOOKS 12

struct wr_hook_choice {
	const char *signal;	/* "no_socket", "drops", "replies" */
	const char *hook;	/* "raw_tp/tcp_send_reset" */
};

/*
 * The version of the JSON records' schema (tools/schema/whyrefused.schema.json),
 * in every start record: fields are added within a version, never renamed
 * or retyped; a change that breaks a reader makes a new version.
 */
#define WR_JSON_SCHEMA 1

struct wr_start_info {
	struct timespec ts;
	const char *kernel;		/* uname -r */
	struct wr_hook_choice hooks[WR_MAX_HOOKS];
	size_t n_hooks;
	const char *backend;		/* --backend asked for: auto, fentry, ... */
	const char *mode;		/* "default", or "all-hooks" */
	const char *notes[8];		/* why a preferred hook was not used */
	size_t n_notes;
	struct { const char *name, *state; } modules[4];	/* netfilter modules, nf_modules.h */
	size_t n_modules;
};

struct wr_stats {
	struct timespec ts;
	uint64_t kernel[WR_CNT_MAX];	/* summed over CPUs */
	uint64_t received;		/* events read from the ring buffer */
	uint64_t decode_errors;
	uint64_t resyncs;		/* listener inventory re-read after listen_lost */
	uint64_t nat_not_searched;	/* refusals whose NAT was not looked up (rate bound) */
	uint64_t rules_not_looked_up;	/* firewall refusals reported unnamed: the rules' lane was full */
	uint64_t units_not_looked_up;	/* no_listener refusals whose unit was not asked for (bounds) */
	uint64_t blockers_not_looked_up; /* refusals whose BPF program was not looked for (queue full) */
	uint64_t netlink_forged;	/* netlink datagrams another process sent us: dropped */
	uint64_t on_demand_attached[2];	/* on-demand hooks: replies, backlog: times attached */
	uint64_t on_demand_s[2];	/* and seconds attached in all */
	uint64_t watch_reports[2];	/* --watch-client reports: SYNs reached, none arrived */
	uint64_t watch_refused;		/* askers the watch socket turned away */
	/* records written and write errors are kept by struct wr_output */
};

struct wr_output {
	FILE *f;		/* refusals (and, in JSON, every record) */
	FILE *info;		/* text mode: banner and stats */
	bool json;
	bool color;
	struct jw jw;
	uint64_t written;
	uint64_t write_errors;
	bool reader_gone;	/* whoever read our output has exited, or stdout is closed */
	int gone_errno;		/* why: EPIPE, EBADF */
	struct wr_sink *sink;	/* if set, records for `f` go through it instead */
	/* --journal: if set, every record goes to journald through it (journal_queue.h). */
	struct wr_journal_queue *journal_send;
	struct wr_journal_entry *journal;	/* the entry being built (allocated once) */
};

/* What became of the records: written, failed, dropped, still queued. */
struct wr_output_counts {
	uint64_t written, write_errors, dropped, pending;
};

void wr_output_counts(const struct wr_output *o, struct wr_output_counts *c);
void wr_output_init(struct wr_output *o, FILE *f, FILE *info, bool json, bool color);
void wr_output_free(struct wr_output *o);
void wr_output_start(struct wr_output *o, const struct wr_start_info *s);
/*
 * Hooks attached or detached after start (a netfilter module loaded, an
 * on-demand hook): an `attach` or `detach` record (`event`).
 */
void wr_output_attach(struct wr_output *o, const struct wr_start_info *s, const char *event,
		      const char *what);
void wr_output_refusal(struct wr_output *o, const struct wr_refusal *r);
/*
 * A record built elsewhere (a --watch-client report): `text` in text mode
 * and to the journal, `json` (a whole object, NULL if it failed) in JSON.
 */
void wr_output_line(struct wr_output *o, const char *event, const char *text, const char *json);
void wr_output_stats(struct wr_output *o, const struct wr_stats *s, bool final);
/* A fatal error after startup: stderr, and a JSON record in JSON mode. */
void wr_output_error(struct wr_output *o, const struct timespec *ts, const char *msg);

/*
 * Copies `src` for a terminal: characters that act on one (C0, C1, bidi
 * controls: utf8.h) and bytes that are not valid UTF-8 become '?'.
 */
void wr_text_sanitize(char *dst, const char *src, size_t len);

/* RFC 3339, nanoseconds, UTC: 2026-11-24T23:45:01.123456789Z */
void wr_format_rfc3339(const struct timespec *ts, char *buf, size_t len);

#endif /* WR_OUTPUT_H */
