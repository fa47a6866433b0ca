// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "tproxy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "hints.h"
#include "verdict.h"

/* A decimal port at `s` (1..65535), ending at a space, '\0' or a quote. */
static bool read_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	int n = 0;

	while (s[n] >= '0' && s[n] <= '9' && n < 6)
		v = v * 10 + (unsigned long)(s[n++] - '0');
	if (!n || n > 5 || v < 1 || v > 65535 || (s[n] && s[n] != ' ' && s[n] != '"'))
		return false;
	*port = (uint16_t)v;
	return true;
}

/* The word at `w` (a position in `text`) is `word` standing alone. */
static const char *find_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(text, word); p; p = strstr(p + 1, word))
		if ((p == text || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return p;
	return NULL;
}

bool wr_tproxy_port(const char *text, uint16_t dport, uint16_t *port)
{
	const char *p, *end;

	if (find_word(text, "TPROXY")) {		/* iptables -S: -j TPROXY --on-port N */
		p = find_word(text, "--on-port");
		if (!p) {
			*port = dport;			/* 0: the SYN's own port */
			return true;
		}
		p += strlen("--on-port");
		return *p == ' ' && read_port(p + 1, port);
	}
	p = find_word(text, "tproxy");			/* nft: tproxy [ip|ip6] to [ADDR][:N] */
	if (!p || !(p = strstr(p, " to ")))
		return false;
	p += 4;
	end = strchr(p, ' ');
	if (!end)
		end = p + strlen(p);
	if (*p == '[') {				/* [2001:db8::1]:N */
		const char *b = memchr(p, ']', (size_t)(end - p));

		if (b && b[1] == ':')
			return read_port(b + 2, port);
	} else {					/* :N, 192.0.2.1:N; a bare IPv6 has 2+ */
		const char *c = memchr(p, ':', (size_t)(end - p));

		if (c && !memchr(c + 1, ':', (size_t)(end - c - 1)))
			return read_port(c + 1, port);
	}
	*port = dport;
	return true;
}

void wr_tproxy_name(const struct wr_inventory *inv, struct wr_refusal *r)
{
	enum wr_cause cause = wr_cause_of(r);
	struct wr_tproxy *tp = &r->tproxy;
	uint16_t port;

	if ((cause != WR_CAUSE_FIREWALL_DROP && cause != WR_CAUSE_FIREWALL_BLOCKED) ||
	    !r->rule.found || !wr_tproxy_port(r->rule.text, r->dport, &port))
		return;
	/* TPROXY never answers: a silent drop, whether or not its answer was watched. */
	r->reply = WR_REPLY_NONE;
	r->answers_unwatched = false;
	tp->port = port;
	snprintf(r->rule.verdict, sizeof(r->rule.verdict), "tproxy to port %u: no transparent "
		 "socket", port);
	for (size_t i = 0; i < inv->n && tp->n_listening < WR_TPROXY_SHOWN; i++) {
		const struct wr_listener *l = &inv->v[i];

		if (l->netns == r->netns && l->port == port)
			wr_listener_describe(l, tp->listening[tp->n_listening++],
					     sizeof(tp->listening[0]));
	}
}

void wr_tproxy_words(struct wr_refusal *r)
{
	const struct wr_tproxy *tp = &r->tproxy;

	if (!tp->port)
		return;
	r->client_sees = "Connection timed out";
	snprintf(r->explanation, WR_TEXT_LEN,
		 "a TPROXY rule hands the SYN to port %u, where no transparent (IP_TRANSPARENT) "
		 "socket listens, so the kernel dropped it; the client sees a timeout", tp->port);
	for (unsigned i = 0; i < tp->n_listening; i++)
		wr_add_hint(r, "%s listens on port %u without IP_TRANSPARENT (or on an address "
			    "the rule's --on-ip does not name): TPROXY cannot hand it the SYN",
			    tp->listening[i], tp->port);
	if (!tp->n_listening)
		wr_add_hint(r, "nothing listens on port %u in this namespace: start the proxy, "
			    "with IP_TRANSPARENT on its listening socket", tp->port);
}
