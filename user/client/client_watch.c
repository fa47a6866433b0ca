// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The pure parts of --watch-client (client_watch.h): address, filter,
 * packet reader, bookkeeping, when to report.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "client_watch.h"

int wr_watch_parse_addr(const char *s, struct wr_cidr *out, char *err, size_t errlen)
{
	char sub[256];

	if (!s || !*s || wr_parse_cidr(s, out, sub, sizeof(sub))) {
		snprintf(err, errlen, "invalid --watch-client '%.64s' (an address or a prefix: "
			 "192.0.2.7, 198.51.100.0/24, 2001:db8::7)", s ? s : "");
		return -1;
	}
	return 0;
}

void wr_watch_addr_str(const struct wr_cidr *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	bool host = c->prefixlen == (c->family == AF_INET ? 32 : 128);

	inet_ntop(c->family, c->addr, a, sizeof(a));
	if (host)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, c->prefixlen);
}

bool wr_watch_addr_match(const struct wr_cidr *c, uint8_t family, const uint8_t *addr)
{
	unsigned bits = c->prefixlen, i;

	if (family != c->family)
		return false;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (addr[i] != c->addr[i])
			return false;
	return !bits || ((addr[i] ^ c->addr[i]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

/* A tiny assembler: jumps name labels, resolved once every label is placed. */
enum { L_NEXT = -1, L_ACCEPT, L_REJECT, L_IN, L_OUT, L_TCP, L_ICMP, L_COUNT };

struct bpf_asm {
	struct sock_filter *p;
	size_t n, cap;
	signed char jt[WR_WATCH_FILTER_MAX], jf[WR_WATCH_FILTER_MAX];
	int at[L_COUNT];
	bool over;
};

static void op(struct bpf_asm *a, uint16_t code, uint32_t k, int jt, int jf)
{
	if (a->n >= a->cap || a->n >= WR_WATCH_FILTER_MAX) {
		a->over = true;
		return;
	}
	a->p[a->n] = (struct sock_filter){ code, 0, 0, k };
	a->jt[a->n] = (signed char)jt;
	a->jf[a->n] = (signed char)jf;
	a->n++;
}

static void label(struct bpf_asm *a, int l)
{
	a->at[l] = (int)a->n;
}

static size_t resolve(struct bpf_asm *a)
{
	for (size_t i = 0; i < a->n && !a->over; i++) {
		int t = a->jt[i] == L_NEXT ? (int)i + 1 : a->at[a->jt[i]];
		int f = a->jf[i] == L_NEXT ? (int)i + 1 : a->at[a->jf[i]];

		if (BPF_CLASS(a->p[i].code) != BPF_JMP || BPF_OP(a->p[i].code) == BPF_JA)
			continue;
		if (t <= (int)i || f <= (int)i || t - (int)i - 1 > 255 || f - (int)i - 1 > 255)
			return 0;
		a->p[i].jt = (uint8_t)(t - (int)i - 1);
		a->p[i].jf = (uint8_t)(f - (int)i - 1);
	}
	return a->over ? 0 : a->n;
}

/* A = the address at `off`, masked, compared word by word with `who`. */
static void match_addr(struct bpf_asm *a, const struct wr_cidr *who, uint32_t off)
{
	unsigned words = who->family == AF_INET ? 1 : 4, bits = who->prefixlen;

	for (unsigned i = 0; i < words; i++, bits = bits > 32 ? bits - 32 : 0) {
		uint32_t net, mask = bits >= 32 ? 0xffffffffu : bits ? ~(0xffffffffu >> bits) : 0;

		if (!mask)
			break;
		memcpy(&net, who->addr + 4 * i, 4);
		op(a, BPF_LD | BPF_W | BPF_ABS, off + 4 * i, 0, 0);
		op(a, BPF_ALU | BPF_AND | BPF_K, mask, 0, 0);
		op(a, BPF_JMP | BPF_JEQ | BPF_K, ntohl(net) & mask, L_NEXT, L_REJECT);
	}
}

/* A TCP header's flags at `x+13` (IPv4) or 53 (IPv6, no extension headers). */
static void tcp_flags(struct bpf_asm *a, bool v4)
{
	op(a, v4 ? BPF_LD | BPF_B | BPF_IND : BPF_LD | BPF_B | BPF_ABS, v4 ? 13 : 53, 0, 0);
}

size_t wr_watch_filter(const struct wr_cidr *who, struct sock_filter *prog, size_t cap)
{
	struct bpf_asm a = { .p = prog, .cap = cap };
	bool v4 = who->family == AF_INET;

	op(&a, BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL, 0, 0);
	op(&a, BPF_JMP | BPF_JEQ | BPF_K, v4 ? ETH_P_IP : ETH_P_IPV6, L_NEXT, L_REJECT);
	if (v4) {	/* first fragments only: later ones carry no TCP header */
		op(&a, BPF_LD | BPF_H | BPF_ABS, 6, 0, 0);
		op(&a, BPF_JMP | BPF_JSET | BPF_K, 0x1fff, L_REJECT, L_NEXT);
		op(&a, BPF_LDX | BPF_B | BPF_MSH, 0, 0, 0);
	}
	op(&a, BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE, 0, 0);
	op(&a, BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, L_OUT, L_IN);

	label(&a, L_IN);	/* a SYN without ACK, from the client */
	match_addr(&a, who, v4 ? 12 : 8);
	op(&a, BPF_LD | BPF_B | BPF_ABS, v4 ? 9 : 6, 0, 0);
	op(&a, BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, L_NEXT, L_REJECT);
	tcp_flags(&a, v4);
	op(&a, BPF_ALU | BPF_AND | BPF_K, 0x12, 0, 0);
	op(&a, BPF_JMP | BPF_JEQ | BPF_K, 0x02, L_ACCEPT, L_REJECT);

	label(&a, L_OUT);	/* to the client: SYN-ACK, RST, ICMP unreachable */
	match_addr(&a, who, v4 ? 16 : 24);
	op(&a, BPF_LD | BPF_B | BPF_ABS, v4 ? 9 : 6, 0, 0);
	op(&a, BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, L_TCP, L_NEXT);
	op(&a, BPF_JMP | BPF_JEQ | BPF_K, v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6, L_ICMP, L_REJECT);
	label(&a, L_TCP);
	tcp_flags(&a, v4);
	op(&a, BPF_JMP | BPF_JSET | BPF_K, 0x04, L_ACCEPT, L_NEXT);
	op(&a, BPF_ALU | BPF_AND | BPF_K, 0x12, 0, 0);
	op(&a, BPF_JMP | BPF_JEQ | BPF_K, 0x12, L_ACCEPT, L_REJECT);
	label(&a, L_ICMP);
	op(&a, v4 ? BPF_LD | BPF_B | BPF_IND : BPF_LD | BPF_B | BPF_ABS, v4 ? 0 : 40, 0, 0);
	op(&a, BPF_JMP | BPF_JEQ | BPF_K, v4 ? 3 : 1, L_ACCEPT, L_REJECT);

	label(&a, L_ACCEPT);	/* enough for an ICMP error's quoted headers */
	op(&a, BPF_RET | BPF_K, 256, 0, 0);
	label(&a, L_REJECT);
	op(&a, BPF_RET | BPF_K, 0, 0, 0);
	return resolve(&a);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* An IP header at p[0..n): its protocol, addresses, and where its payload starts. */
static bool ip_header(const uint8_t *p, size_t n, uint8_t family, uint8_t *proto,
		      const uint8_t **src, const uint8_t **dst, size_t *hlen)
{
	if (family == AF_INET) {
		if (n < 20 || p[0] >> 4 != 4 || (p[0] & 0xf) < 5 || (size_t)(p[0] & 0xf) * 4 > n)
			return false;
		if (be16(p + 6) & 0x1fff)	/* a later fragment: no header of its own */
			return false;
		*proto = p[9];
		*src = p + 12;
		*dst = p + 16;
		*hlen = (size_t)(p[0] & 0xf) * 4;
		return true;
	}
	if (n < 40 || p[0] >> 4 != 6)
		return false;
	*proto = p[6];
	*src = p + 8;
	*dst = p + 24;
	*hlen = 40;
	return true;
}

static void set_conn(struct wr_watch_pkt *o, uint8_t family, const uint8_t *client,
		     const uint8_t *server, const uint8_t *ports, bool from_client)
{
	size_t alen = family == AF_INET ? 4 : 16;

	o->family = family;
	memcpy(o->client, client, alen);
	memcpy(o->server, server, alen);
	o->client_port = be16(from_client ? ports : ports + 2);
	o->server_port = be16(from_client ? ports + 2 : ports);
}

/* An ICMP(v6) unreachable: the SYN it quotes names the connection. */
static bool parse_icmp(const uint8_t *p, size_t n, uint8_t family, struct wr_watch_pkt *o)
{
	const uint8_t *src, *dst;
	uint8_t proto;
	size_t hlen;

	if (n < 8 || p[0] != (family == AF_INET ? 3 : 1))
		return false;
	if (!ip_header(p + 8, n - 8, family, &proto, &src, &dst, &hlen) || proto != IPPROTO_TCP ||
	    n - 8 < hlen + 4)
		return false;
	o->kind = WR_PKT_ICMP;
	o->icmp_type = p[0];
	o->icmp_code = p[1];
	set_conn(o, family, src, dst, p + 8 + hlen, true);
	return true;
}

bool wr_watch_parse_pkt(const uint8_t *p, size_t n, uint16_t ethertype, bool outgoing,
			struct wr_watch_pkt *out)
{
	uint8_t family = ethertype == ETH_P_IP ? AF_INET : ethertype == ETH_P_IPV6 ? AF_INET6 : 0;
	const uint8_t *src, *dst, *l4;
	uint8_t proto, flags;
	size_t hlen;

	memset(out, 0, sizeof(*out));
	if (!family || !ip_header(p, n, family, &proto, &src, &dst, &hlen))
		return false;
	l4 = p + hlen;
	if (outgoing && proto == (family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6))
		return parse_icmp(l4, n - hlen, family, out);
	if (proto != IPPROTO_TCP || n - hlen < 14)
		return false;
	flags = l4[13];
	if (!outgoing && (flags & 0x12) == 0x02)
		out->kind = WR_PKT_SYN;
	else if (outgoing && (flags & 0x04))
		out->kind = WR_PKT_RST;
	else if (outgoing && (flags & 0x12) == 0x12)
		out->kind = WR_PKT_SYNACK;
	else
		return false;
	if (outgoing)
		set_conn(out, family, dst, src, l4, false);
	else
		set_conn(out, family, src, dst, l4, true);
	return true;
}

void wr_watch_init(struct wr_watch *w, const struct wr_cidr *who, uint64_t now_ms,
		   uint64_t wait_ms, uint64_t window_ms, bool renew)
{
	memset(w, 0, sizeof(*w));
	w->who = *who;
	w->started_ms = now_ms;
	w->wait_ms = wait_ms;
	w->window_ms = window_ms;
	w->renew = renew;
	w->reply_fd = -1;
}

void wr_watch_restart(struct wr_watch *w, uint64_t now_ms)
{
	bool told = w->none_told || !w->n_syn;

	w->started_ms = now_ms;
	w->first_syn_ms = w->last_syn_ms = 0;
	w->n_syn = 0;
	w->syns_total = w->syns_untracked = 0;
	w->n_xdp = 0;
	w->none_told = told;
}

static bool same_conn(const struct wr_watch_syn *s, uint8_t family, const uint8_t *client,
		      uint16_t client_port)
{
	return s->family == family && s->client_port == client_port &&
	       !memcmp(s->client, client, family == AF_INET ? 4 : 16);
}

static void note_syn(struct wr_watch *w, const struct wr_watch_pkt *pkt, uint32_t netns,
		     uint32_t ifindex, const char *ifname, uint64_t now_ms)
{
	struct wr_watch_syn *s = NULL;

	w->syns_total++;
	if (!w->first_syn_ms)
		w->first_syn_ms = now_ms;
	w->last_syn_ms = now_ms;
	for (size_t i = 0; i < w->n_syn && !s; i++)
		if (w->syn[i].netns == netns &&
		    same_conn(&w->syn[i], pkt->family, pkt->client, pkt->client_port))
			s = &w->syn[i];
	if (!s) {
		if (w->n_syn == WR_WATCH_MAX_SYNS) {
			w->syns_untracked++;
			return;
		}
		s = &w->syn[w->n_syn++];
		memset(s, 0, sizeof(*s));
		s->netns = netns;
		s->ifindex = ifindex;
		snprintf(s->ifname, sizeof(s->ifname), "%s", ifname ? ifname : "");
		s->family = pkt->family;
		memcpy(s->client, pkt->client, 16);
		memcpy(s->server, pkt->server, 16);
		s->client_port = pkt->client_port;
		s->server_port = pkt->server_port;
		s->first_ms = now_ms;
	}
	s->syns++;
	s->last_ms = now_ms;
}

void wr_watch_note_pkt(struct wr_watch *w, const struct wr_watch_pkt *pkt, uint32_t netns,
		       uint32_t ifindex, const char *ifname, uint64_t now_ms)
{
	enum wr_watch_fate fate;

	if (pkt->kind == WR_PKT_NONE || !wr_watch_addr_match(&w->who, pkt->family, pkt->client))
		return;
	if (pkt->kind == WR_PKT_SYN) {
		note_syn(w, pkt, netns, ifindex, ifname, now_ms);
		return;
	}
	fate = pkt->kind == WR_PKT_SYNACK ? WR_FATE_ACCEPTED :
	       pkt->kind == WR_PKT_RST ? WR_FATE_REFUSED : WR_FATE_REJECTED;
	/* An answer tells the fate of the SYN that came into the same namespace. */
	for (size_t i = 0; i < w->n_syn; i++) {
		struct wr_watch_syn *s = &w->syn[i];

		if (s->netns != netns || !same_conn(s, pkt->family, pkt->client, pkt->client_port))
			continue;
		/* An RST after a SYN-ACK closes a connection that was accepted. */
		if (s->fate == WR_FATE_ACCEPTED && fate == WR_FATE_REFUSED)
			continue;
		s->fate = fate;
		s->icmp_type = pkt->icmp_type;
		s->icmp_code = pkt->icmp_code;
	}
}

void wr_watch_note_refusal(struct wr_watch *w, uint8_t family, const uint8_t *client,
			   uint16_t client_port, const uint8_t *server, uint16_t server_port,
			   const char *cause)
{
	(void)server;
	(void)server_port;	/* NAT may have changed them: the client's end names it */
	for (size_t i = 0; i < w->n_syn; i++)
		if (same_conn(&w->syn[i], family, client, client_port))
			snprintf(w->syn[i].cause, sizeof(w->syn[i].cause), "%s", cause);
}

enum wr_watch_due wr_watch_due(const struct wr_watch *w, uint64_t now_ms)
{
	if (w->syns_total && now_ms - w->last_syn_ms >= w->window_ms)
		return WR_DUE_REACHED;
	if (now_ms - w->started_ms >= w->wait_ms)
		return w->syns_total ? WR_DUE_REACHED : WR_DUE_NONE;
	return WR_DUE_NOT_YET;
}

const char *wr_watch_fate_name(enum wr_watch_fate f)
{
	switch (f) {
	case WR_FATE_ACCEPTED: return "accepted";
	case WR_FATE_REFUSED: return "refused";
	case WR_FATE_REJECTED: return "rejected";
	default: return "no_answer";
	}
}
