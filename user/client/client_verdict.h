/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The client's side (whyrefused --client HOST:PORT): what one connect()
 * saw, and what it means, in the server side's words (cause names, reply
 * names). Pure: the live part that connects is client_probe.c.
 */
#ifndef WR_CLIENT_VERDICT_H
#define WR_CLIENT_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "json_writer.h"

#define WR_CLIENT_HOST_MAX	256	/* a DNS name is at most 253 bytes */

/* An ICMP error the kernel matched to our socket (IP_RECVERR). */
struct wr_client_icmp {
	bool seen;
	uint8_t family;		/* AF_INET: ICMP, AF_INET6: ICMPv6 */
	uint8_t type, code;
	uint8_t from[16];	/* who sent it (SO_EE_OFFENDER), network order */
	bool from_known;
};

/* How far SYNs with a rising TTL got (only after silence). */
struct wr_client_trace {
	bool done;
	unsigned probes;	/* SYNs sent */
	unsigned last_ttl;	/* TTL of the last hop that answered; 0: none did */
	uint8_t last_hop[16];	/* its address */
	bool reached_host;	/* a SYN reached HOST and was answered there */
};

struct wr_client_obs {
	const char *host;		/* as given */
	uint16_t port;
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t daddr[16], saddr[16];	/* network order; saddr all-zero if unknown */
	uint16_t sport;
	int err;			/* 0: connected; else connect()'s errno */
	bool timed_out;			/* our --timeout ran out (err ETIMEDOUT) */
	uint64_t elapsed_ms;
	unsigned addresses;		/* how many addresses HOST had */
	unsigned tried;			/* ... and how many were tried */
	struct wr_client_icmp icmp;
	struct wr_client_trace trace;
};

/* Where to look. */
enum wr_client_side {
	WR_SIDE_NONE,		/* connected */
	WR_SIDE_SERVER,		/* HOST itself */
	WR_SIDE_ROUTER,		/* a hop before HOST */
	WR_SIDE_CLIENT,		/* this machine (its firewall or routes) */
	WR_SIDE_PATH,		/* somewhere on the way or at HOST: not told apart */
};

struct wr_client_verdict {
	const char *cause;	/* connected, no_listener, firewall_reject, firewall_drop,
				   no_route, no_answer, error */
	enum wr_client_side side;
	char reply[48];		/* tcp-reset, icmp admin-prohibited..., none */
	char hop[48];		/* the address to look at; "" if none */
	const char *client_sees;	/* what connect() reported, in ssh's words */
	char explanation[384];
	char hint[384];
	int exit_code;		/* 0 connected, 1 not */
};

/*
 * "192.0.2.10:22", "[2001:db8::1]:22", "server.example:22" into HOST and
 * PORT (1-65535). 0, or -1 with one line in `err`.
 */
int wr_client_parse_target(const char *s, char *host, size_t hostlen, uint16_t *port,
			   char *err, size_t errlen);

/*
 * Reads the control messages of one recvmsg(MSG_ERRQUEUE) on a TCP socket
 * (IP_RECVERR / IPV6_RECVERR): an ICMP error and who sent it. Bounds are
 * checked (the control buffer is taken as it came); 0 if one was found.
 */
int wr_client_read_errqueue(const struct msghdr *m, struct wr_client_icmp *out);

/* ICMP type 3 / ICMPv6 type 1 codes as the server side names them, or time-exceeded. */
const char *wr_client_icmp_name(uint8_t family, uint8_t type, uint8_t code, char *buf, size_t len);

const char *wr_client_side_name(enum wr_client_side s);

void wr_client_classify(const struct wr_client_obs *o, struct wr_client_verdict *v);

/* One line and a hint line; or one JSON record (`ts` given: RFC 3339). */
void wr_client_print_text(FILE *f, const struct wr_client_obs *o, const struct wr_client_verdict *v);
void wr_client_json(struct jw *w, const char *ts, const struct wr_client_obs *o,
		    const struct wr_client_verdict *v);

#endif /* WR_CLIENT_VERDICT_H */
