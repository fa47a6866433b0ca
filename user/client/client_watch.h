/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --watch-client ADDR[/PREFIX]: did any SYN from the client reach this host?
 * The pure parts: the classic BPF filter a capture socket carries, the
 * packet it hands us read back into a SYN or an answer, what became of each
 * SYN, when a watch is due to report, and the report's words. No socket
 * here (watch_capture.c opens them, watch_socket.c takes requests).
 */
#ifndef WR_CLIENT_WATCH_H
#define WR_CLIENT_WATCH_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

#define WR_WATCH_FILTER_MAX	64	/* instructions of one watch's filter */
#define WR_WATCH_MAX_SYNS	32	/* connections (source ports) told apart per watch */
#define WR_WATCH_MAX_XDP	16	/* XDP programs named in one report */

/* What one captured packet is, as far as a watch cares. */
enum wr_watch_pkt_kind {
	WR_PKT_NONE,		/* not ours (a filter we trust less than our parser) */
	WR_PKT_SYN,		/* a SYN from the client, coming in */
	WR_PKT_SYNACK,		/* our SYN-ACK to it, leaving: a socket took the SYN */
	WR_PKT_RST,		/* our RST to it, leaving: refused */
	WR_PKT_ICMP,		/* an ICMP(v6) unreachable to it, leaving: rejected */
};

struct wr_watch_pkt {
	enum wr_watch_pkt_kind kind;
	uint8_t family;		/* AF_INET or AF_INET6 */
	/* The connection as the client opened it: client -> server. */
	uint8_t client[16], server[16];
	uint16_t client_port, server_port;
	uint8_t icmp_type, icmp_code;
};

/* What became of the SYNs of one connection, as seen where they arrived. */
enum wr_watch_fate {
	WR_FATE_SILENT,		/* no answer left: dropped, or still in flight */
	WR_FATE_ACCEPTED,	/* a SYN-ACK left */
	WR_FATE_REFUSED,	/* an RST left */
	WR_FATE_REJECTED,	/* an ICMP unreachable left */
};

struct wr_watch_syn {
	uint32_t netns;
	uint32_t ifindex;
	char ifname[16];
	uint8_t family;
	uint8_t client[16], server[16];
	uint16_t client_port, server_port;
	uint32_t syns;			/* SYNs seen (the client's retries) */
	uint64_t first_ms, last_ms;
	enum wr_watch_fate fate;
	uint8_t icmp_type, icmp_code;
	char cause[24];			/* the refusal whyrefused reported for it, "" if none */
};

/* An XDP program on a device of a watched namespace: it runs before any tap. */
struct wr_watch_xdp {
	uint32_t netns;
	char ifname[16];
	char mode[8];			/* "native", "generic", "offload" */
	uint32_t id;
	char program[16];
	uint32_t pid;			/* who holds it, 0 if not found */
	char comm[16];
	char unit[64];
	char ns_prefix[160];		/* "ip netns exec NAME " quoted, "" for ours */
};

enum wr_watch_due { WR_DUE_NOT_YET, WR_DUE_REACHED, WR_DUE_NONE };

struct wr_watch {
	struct wr_cidr who;
	uint64_t started_ms;
	uint64_t wait_ms;		/* the whole watch when no SYN comes */
	uint64_t window_ms;		/* quiet after the last SYN: the client gave up */
	bool renew;			/* --watch-client: watch again after each report */
	bool none_told;			/* renewed: "none arrived" said once, not each round */
	uint64_t first_syn_ms, last_syn_ms;
	struct wr_watch_syn syn[WR_WATCH_MAX_SYNS];
	size_t n_syn;
	uint64_t syns_total, syns_untracked;	/* all SYNs; those past WR_WATCH_MAX_SYNS */
	uint32_t namespaces;		/* how many namespaces were watched */
	uint32_t namespaces_failed;	/* ... and could not be (gone, EMFILE) */
	struct wr_watch_xdp xdp[WR_WATCH_MAX_XDP];
	size_t n_xdp;
	int reply_fd;			/* the asker waiting for the report, -1 if none */
	bool reply_json;
};

/* "192.0.2.7", "192.0.2.0/24", "2001:db8::7/64": 0, or -1 and a one-line `err`. */
int wr_watch_parse_addr(const char *s, struct wr_cidr *out, char *err, size_t errlen);
/* "192.0.2.0/24" */
void wr_watch_addr_str(const struct wr_cidr *c, char *buf, size_t len);
bool wr_watch_addr_match(const struct wr_cidr *c, uint8_t family, const uint8_t *addr);

/*
 * The filter for an AF_PACKET SOCK_DGRAM socket (offsets from the network
 * header): a TCP SYN (no ACK) from `who` coming in, and, leaving to `who`,
 * a TCP SYN-ACK or RST or an ICMP(v6) destination unreachable. Number of
 * instructions, or 0 if `cap` is too small.
 */
size_t wr_watch_filter(const struct wr_cidr *who, struct sock_filter *prog, size_t cap);

/*
 * Reads a captured packet (network header first; `ethertype` and whether it
 * was leaving, from its sockaddr_ll). Bounds checked: any bytes at all.
 */
bool wr_watch_parse_pkt(const uint8_t *p, size_t n, uint16_t ethertype, bool outgoing,
			struct wr_watch_pkt *out);

void wr_watch_init(struct wr_watch *w, const struct wr_cidr *who, uint64_t now_ms,
		   uint64_t wait_ms, uint64_t window_ms, bool renew);
/* A packet seen in namespace `netns` on `ifindex` (named `ifname`) at `now_ms`. */
void wr_watch_note_pkt(struct wr_watch *w, const struct wr_watch_pkt *pkt, uint32_t netns,
		       uint32_t ifindex, const char *ifname, uint64_t now_ms);
/* whyrefused reported a refusal of client:sport -> server:dport: its cause. */
void wr_watch_note_refusal(struct wr_watch *w, uint8_t family, const uint8_t *client,
			   uint16_t client_port, const uint8_t *server, uint16_t server_port,
			   const char *cause);
/* Due: no SYN within wait_ms, or window_ms quiet after the last one. */
enum wr_watch_due wr_watch_due(const struct wr_watch *w, uint64_t now_ms);
/* After a report: a renewed watch starts again from `now_ms`. */
void wr_watch_restart(struct wr_watch *w, uint64_t now_ms);

/* "accepted", "refused", "rejected", "no_answer" (JSON's `fate`). */
const char *wr_watch_fate_name(enum wr_watch_fate f);

#endif /* WR_CLIENT_WATCH_H */
