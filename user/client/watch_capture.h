/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --watch-client at work: while a watch is on, one AF_PACKET socket per
 * network namespace carries its classic BPF filter (client_watch.c) and
 * nothing else is captured; when the watch reports (watch_words.c) its
 * sockets are closed. Watches come from the command line and from root
 * asking the running tracer (watch_socket.c). Runs on the event loop: every
 * read is non-blocking.
 */
#ifndef WR_WATCH_CAPTURE_H
#define WR_WATCH_CAPTURE_H

#include "cli.h"
#include "client_watch.h"
#include "netns.h"
#include "output.h"
#include "refusal.h"
#include "watch_socket.h"

#define WR_WATCH_MAX		16	/* watches on at once */
#define WR_WATCH_MAX_NS		64	/* namespaces one watch captures in */

struct wr_watch_run {
	bool on;
	struct wr_watch w;
	int fd[WR_WATCH_MAX_NS];
	uint32_t fd_netns[WR_WATCH_MAX_NS];
	size_t n_fd;
	uint32_t dev_netns, dev_ifindex;	/* the last SYN's device, named once */
	char dev_name[16];
};

struct wr_bpf_finder;

struct wr_client_watch {
	struct wr_watch_run run[WR_WATCH_MAX];
	struct wr_watch_server srv;
	struct wr_bpf_finder *bpf;	/* names XDP programs, made on first need */
	struct wr_netns_list *netns;
	const uint32_t *only;		/* --netns: watch these namespaces alone */
	size_t n_only;
	struct wr_output *out;
	uint64_t reports_reached, reports_none;
};

/*
 * The command line's watches, and the socket root asks on; `only` (n_only
 * inodes, --netns) limits the namespaces watched. 0, or -1 with `err`.
 */
int wr_client_watch_start(struct wr_client_watch *cw, const struct wr_options *o,
			  struct wr_netns_list *netns, const uint32_t *only, size_t n_only,
			  struct wr_output *out, char *err, size_t errlen);
/* Reads what the filters let through, answers askers, reports what is due. */
void wr_client_watch_tick(struct wr_client_watch *cw);
/* A refusal whyrefused reported: the fate of a watched client's SYN. */
void wr_client_watch_refusal(struct wr_client_watch *cw, const struct wr_refusal *r);
/* Its counts into the stats the metrics render. */
void wr_client_watch_stats(const struct wr_client_watch *cw, struct wr_stats *s);
/* Reports what was seen so far (the tracer stops) and closes everything. */
void wr_client_watch_stop(struct wr_client_watch *cw);
/* A watch starts: 0, or -1 with `err` (too many watches). */
int wr_client_watch_add(struct wr_client_watch *cw, const struct wr_cidr *who, uint64_t wait_ms,
			uint64_t window_ms, bool renew, int reply_fd, bool reply_json,
			char *err, size_t errlen);

#endif /* WR_WATCH_CAPTURE_H */
