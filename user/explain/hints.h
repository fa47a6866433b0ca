/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What is there instead: for a no_listener refusal, the listeners nearby
 * (another address, another port, another network namespace) and the one
 * that stopped; for a SYN a listener dropped, its accept queue. Pure C over
 * the inventory; the caller names namespaces through a callback.
 */
#ifndef WR_HINTS_H
#define WR_HINTS_H

#include <stddef.h>

#include "inventory.h"
#include "proc_ends.h"
#include "refusal.h"

struct wr_hint_ctx {
	const struct wr_inventory *inv;
	struct timespec now;
	/* "netns 4026532300 (/run/netns/web)": fills buf with a readable name. */
	void (*netns_label)(void *arg, uint32_t netns, char *buf, size_t len);
	/* "eth1", or "ifindex 7" when the name cannot be found. */
	void (*ifname)(void *arg, uint32_t netns, uint32_t ifindex, char *buf, size_t len);
	/* Optional: how the processes that listened ended (bpf/proc_ends.bpf.c). */
	const struct wr_proc_ends *ends;
	/* Optional: is process `pid` still running? */
	bool (*alive)(void *arg, uint32_t pid);
	/* Optional: the container network namespace `netns` is (netns.c's wr_netns_container). */
	bool (*netns_container)(void *arg, uint32_t netns, struct wr_container *c);
	void *arg;
};

/*
 * A no_listener refusal gets what listens nearby: the listeners (related),
 * the one that stopped, and their words as its hints (the inventory is read
 * here, not at the verdict); a listener the lookup should have given it is
 * a blocker (blocker_words.c).
 */
void wr_hints_no_listener(const struct wr_hint_ctx *ctx, struct wr_refusal *r);
/* verdict.c: the sentence: a proxy's own connection, and the first hint closing it. */
void wr_no_listener_words(struct wr_refusal *r);
/*
 * A SYN a listener consumed without a SYN-ACK (WR_EV_UNANSWERED), or a final
 * ACK dropped with TCP_LISTEN_OVERFLOW: the listener it reached (if any,
 * with a fresh queue length) and how much ListenOverflows moved, as facts;
 * they decide the reason (LISTEN_OVERFLOW: backlog_full, or LISTEN_DROP).
 */
void wr_hints_backlog(const struct wr_hint_ctx *ctx, struct wr_refusal *r,
		      const struct wr_listener *target, uint64_t overflows);
/* verdict.c: those facts in words (the full queue, or a SYN taken unanswered). */
void wr_backlog_words(struct wr_refusal *r);
/* handshake_incomplete: the listener that answered (if known), as a fact. */
void wr_hints_handshake(const struct wr_hint_ctx *ctx, struct wr_refusal *r,
			const struct wr_listener *target);
/* verdict.c: ... named in a hint. */
void wr_handshake_words(struct wr_refusal *r);
/* The listener the kernel would give this SYN to, or NULL. */
const struct wr_listener *wr_reached_listener(const struct wr_inventory *inv,
					      const struct wr_refusal *r);

/* "sshd (pid 812) on 0.0.0.0:2222" */
void wr_listener_describe(const struct wr_listener *l, char *buf, size_t len);
/* "3 min ago", "12 s ago", "2 h ago" */
void wr_format_ago(const struct timespec *then, const struct timespec *now, char *buf,
		   size_t len);
/* Does a listener on this address and family accept this SYN's address? */
bool wr_listener_accepts(const struct wr_listener *l, int family, const uint8_t *daddr);

#endif /* WR_HINTS_H */
