/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The route back to a client, as `ip route get CLIENT` says it in the
 * namespace that answered: an RTM_GETROUTE request and its answer (pure:
 * building, parsing, wording; route_lookup.c asks the kernel). It tells a
 * SYN-ACK that leaves by the wrong interface, through the wrong gateway, or
 * not at all (handshake_incomplete), and why rp_filter dropped a SYN.
 */
#ifndef WR_ROUTE_BACK_H
#define WR_ROUTE_BACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refusal.h"

struct wr_route {
	int error;		/* the kernel answered an errno (ENETUNREACH...): no route */
	uint32_t oif;		/* RTA_OIF: the interface the answer leaves by */
	bool has_via, has_src;
	uint8_t via[16];	/* RTA_GATEWAY (RTA_VIA is not asked for) */
	uint8_t src[16];	/* RTA_PREFSRC */
};

/* An RTM_GETROUTE for `dst` (network order, AF_INET/AF_INET6): its length, 0 if `len` is short. */
size_t wr_route_request(int family, const uint8_t *dst, uint32_t seq, void *buf, size_t len);
/*
 * The kernel's answer to request `seq`: 0 with `rt` filled (rt->error set
 * for an NLMSG_ERROR answer), -1 when it is not one or is malformed.
 */
int wr_route_parse(const void *buf, size_t len, int family, uint32_t seq, struct wr_route *rt);
/*
 * "ip netns exec NAME " (NAME quoted), "nsenter -t PID -n " or "" (our
 * own namespace): what runs a command in the refusal's namespace.
 */
void wr_route_ns_prefix(const char *name, uint32_t pid, bool self, char *buf, size_t len);
/*
 * The refusal's route_back from `rt` (`dev`: its oif's name) and a hint
 * with the command that asks again (`prefix`: wr_route_ns_prefix's).
 */
void wr_route_back_fill(struct wr_refusal *r, const struct wr_route *rt, const char *dev,
			const char *prefix);
/*
 * IP_RPFILTER: the sysctls read where the SYN came in (`in_dev`; -1 where
 * unread), worded with the way back (after wr_route_back_fill) and the
 * command that turns the check loose on that interface.
 */
void wr_route_rp_filter_fill(struct wr_refusal *r, int all, int dev, const char *in_dev,
			     const char *prefix);
/* verdict.c: those facts in words: the way back, and the rp_filter in force. */
void wr_route_back_words(struct wr_refusal *r);
/* Does this refusal's explanation need the way back to its client? */
bool wr_route_back_wanted(const struct wr_refusal *r);

#endif /* WR_ROUTE_BACK_H */
