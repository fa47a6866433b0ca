// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "client_probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client_verdict.h"
#include "clock.h"
#include "json_writer.h"
#include "output.h"

#define MAX_ADDRESSES	16	/* of one name: ssh tries them all, we too, bounded */
#define HOP_WAIT_MS	1000	/* per TTL probe (at most half of --timeout) */
#define SILENT_HOPS	3	/* TTL probing stops after this many silent hops in a row */

/* The ICMP error the kernel queued on our socket, if any (IP_RECVERR). */
static void read_icmp(int fd, struct wr_client_icmp *icmp)
{
	char data[64];
	union {
		char buf[512];
		struct cmsghdr align;
	} control;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			    .msg_controllen = sizeof(control.buf) };
	struct wr_client_icmp got;
	int i;

	for (i = 0; i < 8; i++) {	/* the queue is short; keep the last ICMP error */
		m.msg_controllen = sizeof(control.buf);
		if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		if (!wr_client_read_errqueue(&m, &got))
			*icmp = got;
	}
}

/*
 * One connect() to `sa`, waiting at most `wait_ms`; `ttl` 0 keeps the
 * system's. Fills err, icmp, saddr and sport of `o`.
 */
static void attempt(const struct sockaddr *sa, socklen_t salen, unsigned ttl, uint64_t wait_ms,
		    struct wr_client_obs *o)
{
	int fd, on = 1, err = 0, v6 = sa->sa_family == AF_INET6;
	uint64_t start = wr_now_ms(), deadline = start + wait_ms;
	struct sockaddr_storage local;
	socklen_t len = sizeof(err);

	memset(&o->icmp, 0, sizeof(o->icmp));
	o->timed_out = false;
	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		o->err = errno;
		return;
	}
	/* Any user may ask for the ICMP errors of their own socket. */
	setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_RECVERR : IP_RECVERR,
		   &on, sizeof(on));
	if (ttl) {
		int t = (int)ttl;

		setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL,
			   &t, sizeof(t));
	}
	if (connect(fd, sa, salen) == 0) {
		err = 0;
	} else if (errno != EINPROGRESS) {
		err = errno;
	} else {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		uint64_t now;
		int n = 0;

		while ((now = wr_now_ms()) < deadline) {
			n = poll(&p, 1, (int)(deadline - now));
			if (n != 0 && !(n < 0 && errno == EINTR))
				break;
		}
		if (n > 0) {
			len = sizeof(err);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
				err = errno;
		} else {
			err = ETIMEDOUT;
			o->timed_out = true;
		}
	}
	o->err = err;
	read_icmp(fd, &o->icmp);
	len = sizeof(local);
	if (!getsockname(fd, (struct sockaddr *)&local, &len)) {
		if (local.ss_family == AF_INET) {
			const struct sockaddr_in *s = (const struct sockaddr_in *)&local;

			memcpy(o->saddr, &s->sin_addr, 4);
			o->sport = ntohs(s->sin_port);
		} else if (local.ss_family == AF_INET6) {
			const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)&local;

			memcpy(o->saddr, &s->sin6_addr, 16);
			o->sport = ntohs(s->sin6_port);
		}
	}
	if (!err)
		shutdown(fd, SHUT_RDWR);	/* a clean FIN: we only wanted to know */
	close(fd);
	o->elapsed_ms = wr_now_ms() - start;
}

/* After silence: SYNs with TTL 1, 2, ... until HOST answers, or hops stay silent. */
static void trace(const struct sockaddr *sa, socklen_t salen, const struct wr_options *opts,
		  struct wr_client_obs *o)
{
	struct wr_client_obs probe = *o;
	uint64_t wait = opts->client_timeout_ms / 2 < HOP_WAIT_MS ? opts->client_timeout_ms / 2
								   : HOP_WAIT_MS;
	unsigned ttl, silent = 0;

	o->trace.done = true;
	for (ttl = 1; ttl <= opts->max_hops && silent < SILENT_HOPS; ttl++) {
		attempt(sa, salen, ttl, wait, &probe);
		o->trace.probes++;
		if (probe.icmp.seen && probe.icmp.from_known) {
			silent = 0;
			o->trace.last_ttl = ttl;
			memcpy(o->trace.last_hop, probe.icmp.from, sizeof(o->trace.last_hop));
			if (!memcmp(probe.icmp.from, o->daddr, sizeof(o->daddr))) {
				o->trace.reached_host = true;
				break;
			}
			continue;
		}
		if (!probe.timed_out) {	/* an RST or a SYN-ACK: HOST answered */
			o->trace.reached_host = true;
			o->trace.last_ttl = ttl;
			memcpy(o->trace.last_hop, o->daddr, sizeof(o->trace.last_hop));
			break;
		}
		silent++;
	}
}

static void print_error(const struct wr_options *opts, const char *msg)
{
	fprintf(stderr, "whyrefused: %s\n", msg);
	if (opts->json) {
		struct timespec ts;
		char when[40];
		struct jw w;

		clock_gettime(CLOCK_REALTIME, &ts);
		wr_format_rfc3339(&ts, when, sizeof(when));
		jw_init(&w);
		jw_object_begin(&w);
		jw_field_string(&w, "ts", when);
		jw_field_string(&w, "event", "error");
		jw_field_string(&w, "message", msg);
		jw_object_end(&w);
		if (jw_result(&w))
			printf("%s\n", jw_result(&w));
		jw_free(&w);
	}
}

/* getaddrinfo, bounded: a resolver that does not answer must not hang us. */
static int resolve(const char *host, uint64_t timeout_ms, struct addrinfo **res, char *err,
		   size_t errlen)
{
	static struct addrinfo hints;
	static struct gaicb req;
	struct gaicb *list[1] = { &req };
	struct timespec limit = { (time_t)(timeout_ms / 1000), (long)(timeout_ms % 1000) * 1000000 };
	int rc;

	/* An address needs no resolver (nor NSS, in the static build): no thread. */
	hints = (struct addrinfo){ .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				   .ai_flags = AI_NUMERICHOST };
	if (!getaddrinfo(host, NULL, &hints, res))
		return 0;
	/* Static: a lookup that cannot be cancelled still reads and writes them. */
	hints = (struct addrinfo){ .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	req = (struct gaicb){ .ar_name = host, .ar_request = &hints };
	rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	if (rc) {
		snprintf(err, errlen, "cannot look %s up: %s", host, gai_strerror(rc));
		return -1;
	}
	rc = gai_suspend((const struct gaicb *const *)list, 1, &limit);
	if (rc == EAI_AGAIN) {
		/* Still running: cancel, and if it cannot be, leave it to exit(). */
		gai_cancel(&req);
		snprintf(err, errlen, "%s did not resolve within %llu ms", host,
			 (unsigned long long)timeout_ms);
		return -1;	/* `req` stays the lookup's: we exit next */
	}
	rc = gai_error(&req);
	if (rc) {
		snprintf(err, errlen, "%s did not resolve: %s", host, gai_strerror(rc));
		return -1;
	}
	*res = req.ar_result;
	return 0;
}

int wr_client_run(const struct wr_options *opts)
{
	static char host[WR_CLIENT_HOST_MAX];	/* a lookup left running reads it */
	char err[512];
	struct wr_client_obs o = { 0 };
	struct wr_client_verdict v;
	struct addrinfo *res = NULL, *ai, *last = NULL;
	uint16_t port;

	if (wr_client_parse_target(opts->client, host, sizeof(host), &port, err, sizeof(err))) {
		fprintf(stderr, "whyrefused: %s\n", err);
		return 2;
	}
	if (resolve(host, opts->client_timeout_ms, &res, err, sizeof(err))) {
		print_error(opts, err);
		return 3;
	}
	o.host = host;
	o.port = port;
	for (ai = res; ai; ai = ai->ai_next)
		if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
			o.addresses++;
	if (o.addresses > MAX_ADDRESSES)
		o.addresses = MAX_ADDRESSES;
	for (ai = res; ai && o.tried < o.addresses; ai = ai->ai_next) {
		memset(o.daddr, 0, sizeof(o.daddr));
		if (ai->ai_family == AF_INET) {
			struct sockaddr_in *s = (struct sockaddr_in *)ai->ai_addr;

			s->sin_port = htons(port);
			memcpy(o.daddr, &s->sin_addr, 4);
		} else if (ai->ai_family == AF_INET6) {
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)ai->ai_addr;

			s->sin6_port = htons(port);
			memcpy(o.daddr, &s->sin6_addr, 16);
		} else {
			continue;
		}
		memset(o.saddr, 0, sizeof(o.saddr));
		o.family = (uint8_t)ai->ai_family;
		o.tried++;
		last = ai;
		attempt(ai->ai_addr, ai->ai_addrlen, 0, opts->client_timeout_ms, &o);
		if (!o.err)
			break;
	}
	if (!last) {
		freeaddrinfo(res);
		snprintf(err, sizeof(err), "%s has no IPv4 or IPv6 address", host);
		print_error(opts, err);
		return 3;
	}
	if (o.err == ETIMEDOUT && !o.icmp.seen && opts->max_hops)
		trace(last->ai_addr, last->ai_addrlen, opts, &o);
	wr_client_classify(&o, &v);
	if (opts->json) {
		struct timespec ts;
		char when[40];
		struct jw w;

		clock_gettime(CLOCK_REALTIME, &ts);
		wr_format_rfc3339(&ts, when, sizeof(when));
		jw_init(&w);
		wr_client_json(&w, when, &o, &v);
		if (jw_result(&w))
			printf("%s\n", jw_result(&w));
		jw_free(&w);
	} else {
		wr_client_print_text(stdout, &o, &v);
	}
	freeaddrinfo(res);
	if (fflush(stdout)) {
		fprintf(stderr, "whyrefused: cannot write output: %s\n", strerror(errno));
		return 3;
	}
	return v.exit_code;
}
