/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A listening TCP socket, however we learned of it (sock_diag or an event). */
#ifndef WR_LISTENER_H
#define WR_LISTENER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "containers.h"

#define WR_COMM_MAX 16

struct wr_listener {
	uint32_t netns;
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* bound address, network order; zero = any */
	uint16_t port;
	bool v6only;		/* AF_INET6 with IPV6_V6ONLY */
	uint32_t bound_ifindex;	/* SO_BINDTODEVICE or a VRF: only SYNs from it, 0 = any */
	uint32_t inode;		/* socket inode (sock_diag), 0 if unknown */
	uint32_t rqueue;	/* accept queue: connections waiting (sock_diag) */
	uint32_t wqueue;	/* accept queue limit: listen() backlog */
	uint32_t pid;		/* owner, 0 if unknown */
	char comm[WR_COMM_MAX];
	/* The owner holds a container's published port (podman's conmon): which one. */
	struct wr_container publishes;
	char unit[64];		/* its systemd service ("ssh.service"), "" if none */
	struct timespec seen;	/* the default mode: the last poll that found it */
};

/* One LISTEN transition, kept in the history. */
struct wr_listen_record {
	struct timespec ts;	/* wall clock */
	struct timespec after;	/* the default mode: a stop happened after this (the last
				   poll that found it), not at ts; else zero */
	bool stop;		/* left LISTEN (closed, or its process exited) */
	struct wr_listener l;
};

#endif /* WR_LISTENER_H */
