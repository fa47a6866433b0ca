/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * How root asks a running tracer to watch for a client: a unix stream
 * socket (default /run/whyrefused/watch.sock) in a directory only root may
 * write, the socket itself 0600, and each peer's SO_PEERCRED uid checked:
 * another local user can neither ask nor put a socket of their own there.
 * The asker (`whyrefused --ask-watch ADDR`) sends one line
 * (watch_request.h), reads "ok ..." or "error: ...", then the report when
 * the watch ends.
 */
#ifndef WR_WATCH_SOCKET_H
#define WR_WATCH_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WR_WATCH_SOCKET_DEFAULT	"/run/whyrefused/watch.sock"

struct wr_watch_server {
	int fd;			/* -1: not serving */
	char path[108];
	dev_t dev;		/* the socket file we made: unlinked at exit only if still ours */
	ino_t ino;
	uint64_t wait_ms, window_ms;	/* the tracer's defaults for a request */
	uint64_t refused;	/* askers turned away (not root, bad request) */
};

struct wr_client_watch;

/*
 * Serves `path` (NULL: the default, and then quietly not at all when it is
 * taken by another tracer or its directory is not root's alone). 0, or -1
 * with `err` for a path given that cannot be served.
 */
int wr_watch_server_open(struct wr_watch_server *s, const char *path, uint64_t wait_ms,
			 uint64_t window_ms, char *err, size_t errlen);
/* Takes waiting askers (a few per call, each read bounded to 200 ms). */
void wr_watch_server_serve(struct wr_watch_server *s, struct wr_client_watch *cw);
void wr_watch_server_close(struct wr_watch_server *s);
/* The report to an asker: one write that never blocks (a slow asker loses it). */
void wr_watch_reply(int fd, const char *text);
/* The asker hung up (its Ctrl-C): report now. */
bool wr_watch_asker_gone(int fd);

/* --ask-watch: asks, prints the report; the exit status (0, 1 refused, 3 no tracer). */
int wr_watch_ask(const char *path, const char *line);
struct wr_options;
/* --ask-watch ADDR with its options: the request sent, the exit status. */
int wr_watch_ask_run(const struct wr_options *o);

#endif /* WR_WATCH_SOCKET_H */
