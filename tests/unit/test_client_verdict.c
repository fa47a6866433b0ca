// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --client: HOST:PORT, the kernel's ICMP error messages, and what they mean. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "client_verdict.h"

static void test_targets(void **state)
{
	char host[WR_CLIENT_HOST_MAX], err[256];
	uint16_t port = 0;

	assert_int_equal(wr_client_parse_target("192.0.2.10:22", host, sizeof(host), &port, err,
						sizeof(err)), 0);
	assert_string_equal(host, "192.0.2.10");
	assert_int_equal(port, 22);
	assert_int_equal(wr_client_parse_target("[2001:db8::1]:2222", host, sizeof(host), &port,
						err, sizeof(err)), 0);
	assert_string_equal(host, "2001:db8::1");
	assert_int_equal(port, 2222);
	assert_int_equal(wr_client_parse_target("db.example.org:5432", host, sizeof(host), &port,
						err, sizeof(err)), 0);
	assert_string_equal(host, "db.example.org");
	assert_int_equal(port, 5432);

	static const char *const bad[] = {
		"", ":22", "host", "host:", "host:0", "host:65536", "host:22x", "host:-1",
		"host:+22", "[::1]", "[::1:22", "[]:22", "[nothost]:22", "2001:db8::1:22",
		"a b:22", "a\tb:22", "[192.0.2.1]:22", "host:000022",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(wr_client_parse_target(bad[i], host, sizeof(host), &port, err,
							sizeof(err)), -1);
		assert_true(strlen(err) > 0);
		assert_null(strchr(err, '\n'));
	}
	char longname[400];

	memset(longname, 'a', 300);
	strcpy(longname + 300, ":22");
	assert_int_equal(wr_client_parse_target(longname, host, sizeof(host), &port, err,
						sizeof(err)), -1);
}

/* A control buffer as recvmsg(MSG_ERRQUEUE) fills it for an IPv4 socket. */
struct errq4 {
	union {
		char buf[CMSG_SPACE(sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in))];
		struct cmsghdr align;
	} u;
};

static void fill4(struct errq4 *q, struct msghdr *m, uint8_t type, uint8_t code,
		  const char *from, size_t cut)
{
	struct sock_extended_err ee = { .ee_errno = EHOSTUNREACH, .ee_origin = SO_EE_ORIGIN_ICMP,
					.ee_type = type, .ee_code = code };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct cmsghdr *c;

	memset(q, 0, sizeof(*q));
	memset(m, 0, sizeof(*m));
	m->msg_control = q->u.buf;
	m->msg_controllen = sizeof(q->u.buf);
	c = CMSG_FIRSTHDR(m);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_RECVERR;
	c->cmsg_len = CMSG_LEN(sizeof(ee) + sizeof(sin)) - cut;
	inet_pton(AF_INET, from, &sin.sin_addr);
	memcpy(CMSG_DATA(c), &ee, sizeof(ee));
	memcpy(CMSG_DATA(c) + sizeof(ee), &sin, sizeof(sin));
}

static void test_errqueue_v4(void **state)
{
	struct errq4 q;
	struct msghdr m;
	struct wr_client_icmp icmp;
	char s[48];

	fill4(&q, &m, 3, 13, "198.51.100.1", 0);
	assert_int_equal(wr_client_read_errqueue(&m, &icmp), 0);
	assert_true(icmp.seen);
	assert_int_equal(icmp.family, AF_INET);
	assert_int_equal(icmp.type, 3);
	assert_int_equal(icmp.code, 13);
	assert_true(icmp.from_known);
	inet_ntop(AF_INET, icmp.from, s, sizeof(s));
	assert_string_equal(s, "198.51.100.1");

	/* The offender cut short: the ICMP error, from nobody known. */
	fill4(&q, &m, 3, 13, "198.51.100.1", 4);
	assert_int_equal(wr_client_read_errqueue(&m, &icmp), 0);
	assert_false(icmp.from_known);

	/* Not even the whole sock_extended_err: nothing. */
	fill4(&q, &m, 3, 13, "198.51.100.1", sizeof(struct sockaddr_in) + 4);
	assert_int_equal(wr_client_read_errqueue(&m, &icmp), -1);
	assert_false(icmp.seen);

	/* A control buffer shorter than the message says it is. */
	fill4(&q, &m, 3, 13, "198.51.100.1", 0);
	m.msg_controllen = CMSG_LEN(sizeof(struct sock_extended_err)) - 1;
	assert_int_equal(wr_client_read_errqueue(&m, &icmp), -1);

	/* A local error (not ICMP) is not an answer from the network. */
	fill4(&q, &m, 3, 13, "198.51.100.1", 0);
	((struct sock_extended_err *)CMSG_DATA(CMSG_FIRSTHDR(&m)))->ee_origin = SO_EE_ORIGIN_LOCAL;
	assert_int_equal(wr_client_read_errqueue(&m, &icmp), -1);

	m.msg_control = NULL;
	assert_int_equal(wr_client_read_errqueue(&m, &icmp), -1);
}

static void test_errqueue_v6(void **state)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in6))];
		struct cmsghdr align;
	} u = { 0 };
	struct sock_extended_err ee = { .ee_errno = EACCES, .ee_origin = SO_EE_ORIGIN_ICMP6,
					.ee_type = 1, .ee_code = 1 };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct msghdr m = { .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	struct wr_client_icmp icmp;
	char s[48];

	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_RECVERR;
	c->cmsg_len = CMSG_LEN(sizeof(ee) + sizeof(sin6));
	inet_pton(AF_INET6, "2001:db8:1::1", &sin6.sin6_addr);
	memcpy(CMSG_DATA(c), &ee, sizeof(ee));
	memcpy(CMSG_DATA(c) + sizeof(ee), &sin6, sizeof(sin6));
	assert_int_equal(wr_client_read_errqueue(&m, &icmp), 0);
	assert_int_equal(icmp.family, AF_INET6);
	assert_true(icmp.from_known);
	inet_ntop(AF_INET6, icmp.from, s, sizeof(s));
	assert_string_equal(s, "2001:db8:1::1");
}

static void test_icmp_names(void **state)
{
	char b[48];

	assert_string_equal(wr_client_icmp_name(AF_INET, 3, 13, b, sizeof(b)),
			    "icmp admin-prohibited");
	assert_string_equal(wr_client_icmp_name(AF_INET, 3, 3, b, sizeof(b)),
			    "icmp port-unreachable");
	assert_string_equal(wr_client_icmp_name(AF_INET, 3, 10, b, sizeof(b)),
			    "icmp host-prohibited");
	assert_string_equal(wr_client_icmp_name(AF_INET, 3, 1, b, sizeof(b)),
			    "icmp host-unreachable");
	assert_string_equal(wr_client_icmp_name(AF_INET, 3, 15, b, sizeof(b)),
			    "icmp unreachable code 15");
	assert_string_equal(wr_client_icmp_name(AF_INET, 11, 0, b, sizeof(b)),
			    "icmp time-exceeded");
	assert_string_equal(wr_client_icmp_name(AF_INET6, 1, 1, b, sizeof(b)),
			    "icmpv6 admin-prohibited");
	assert_string_equal(wr_client_icmp_name(AF_INET6, 1, 4, b, sizeof(b)),
			    "icmpv6 port-unreachable");
	assert_string_equal(wr_client_icmp_name(AF_INET6, 3, 0, b, sizeof(b)),
			    "icmpv6 time-exceeded");
	assert_string_equal(wr_client_icmp_name(AF_INET6, 2, 0, b, sizeof(b)),
			    "icmpv6 type 2 code 0");
}

static struct wr_client_obs obs4(const char *dst, int err)
{
	struct wr_client_obs o = { .host = "server.example", .port = 22, .family = AF_INET,
				   .err = err, .addresses = 1, .tried = 1, .sport = 40000 };

	inet_pton(AF_INET, dst, o.daddr);
	inet_pton(AF_INET, "192.0.2.2", o.saddr);
	o.timed_out = err == ETIMEDOUT;
	return o;
}

static void icmp_from(struct wr_client_obs *o, uint8_t type, uint8_t code, const char *from)
{
	o->icmp.seen = true;
	o->icmp.family = o->family;
	o->icmp.type = type;
	o->icmp.code = code;
	o->icmp.from_known = true;
	inet_pton(o->family, from, o->icmp.from);
}

static void test_rst_from_host(void **state)
{
	struct wr_client_obs o = obs4("192.0.2.10", ECONNREFUSED);
	struct wr_client_verdict v;

	wr_client_classify(&o, &v);
	assert_string_equal(v.cause, "no_listener");
	assert_int_equal(v.side, WR_SIDE_SERVER);
	assert_string_equal(v.reply, "tcp-reset");
	assert_string_equal(v.hop, "192.0.2.10");
	assert_string_equal(v.explanation,
			    "refused by HOST itself (RST from 192.0.2.10): run whyrefused there");
	assert_string_equal(v.client_sees, "Connection refused");
	assert_int_equal(v.exit_code, 1);
}

static void test_icmp_from_router(void **state)
{
	struct wr_client_obs o = obs4("203.0.113.10", EHOSTUNREACH);
	struct wr_client_verdict v;

	icmp_from(&o, 3, 13, "198.51.100.1");
	wr_client_classify(&o, &v);
	assert_string_equal(v.cause, "firewall_reject");
	assert_int_equal(v.side, WR_SIDE_ROUTER);
	assert_string_equal(v.hop, "198.51.100.1");
	assert_string_equal(v.reply, "icmp admin-prohibited");
	assert_non_null(strstr(v.explanation,
			       "icmp admin-prohibited from 198.51.100.1, a router before HOST"));
	assert_string_equal(v.client_sees, "No route to host");

	/* The router has no way on: routing, not a firewall. */
	o = obs4("203.0.113.10", EHOSTUNREACH);
	icmp_from(&o, 3, 1, "198.51.100.1");
	wr_client_classify(&o, &v);
	assert_string_equal(v.cause, "no_route");
	assert_int_equal(v.side, WR_SIDE_ROUTER);
}

static void test_icmp_from_host_itself(void **state)
{
	struct wr_client_obs o = obs4("203.0.113.10", ECONNREFUSED);
	struct wr_client_verdict v;

	/* Port-unreachable: iptables' REJECT default, never the TCP stack's. */
	icmp_from(&o, 3, 3, "203.0.113.10");
	wr_client_classify(&o, &v);
	assert_string_equal(v.cause, "firewall_reject");
	assert_int_equal(v.side, WR_SIDE_SERVER);
	assert_string_equal(v.hop, "203.0.113.10");
	assert_string_equal(v.explanation, "icmp port-unreachable from HOST itself (203.0.113.10): "
			    "a REJECT rule on HOST: run whyrefused there");
	assert_string_equal(v.client_sees, "Connection refused");
}

static void test_icmp_from_this_machine(void **state)
{
	struct wr_client_obs o = obs4("192.0.2.99", EHOSTUNREACH);
	struct wr_client_verdict v;

	icmp_from(&o, 3, 1, "192.0.2.2");	/* ARP got no answer */
	wr_client_classify(&o, &v);
	assert_string_equal(v.cause, "no_route");
	assert_int_equal(v.side, WR_SIDE_CLIENT);
	assert_string_equal(v.hint, "ip route get 192.0.2.99; ip neigh show");
}

static void test_icmpv6_from_router(void **state)
{
	struct wr_client_obs o = { .host = "2001:db8:2::10", .port = 22, .family = AF_INET6,
				   .err = EACCES, .addresses = 1, .tried = 1 };
	struct wr_client_verdict v;

	inet_pton(AF_INET6, "2001:db8:2::10", o.daddr);
	inet_pton(AF_INET6, "2001:db8:1::2", o.saddr);
	icmp_from(&o, 1, 1, "2001:db8:1::1");
	wr_client_classify(&o, &v);
	assert_string_equal(v.cause, "firewall_reject");
	assert_int_equal(v.side, WR_SIDE_ROUTER);
	assert_string_equal(v.reply, "icmpv6 admin-prohibited");
	assert_string_equal(v.hop, "2001:db8:1::1");
	assert_string_equal(v.client_sees, "Permission denied");
}

static void test_silence(void **state)
{
	struct wr_client_obs o = obs4("203.0.113.10", ETIMEDOUT);
	struct wr_client_verdict v;

	wr_client_classify(&o, &v);
	assert_string_equal(v.cause, "no_answer");
	assert_int_equal(v.side, WR_SIDE_PATH);
	assert_string_equal(v.reply, "none");
	assert_string_equal(v.hop, "");
	assert_non_null(strstr(v.explanation, "no answer at all: a drop on the way or at HOST"));
	assert_string_equal(v.client_sees, "Connection timed out");

	o.trace.done = true;
	o.trace.probes = 4;
	o.trace.last_ttl = 1;
	inet_pton(AF_INET, "192.0.2.1", o.trace.last_hop);
	wr_client_classify(&o, &v);
	assert_string_equal(v.hop, "192.0.2.1");
	assert_non_null(strstr(v.explanation, "SYNs get as far as 192.0.2.1 (hop 1, the last "
					      "that answered)"));

	o.trace.last_ttl = 0;
	wr_client_classify(&o, &v);
	assert_string_equal(v.hop, "");
	assert_non_null(strstr(v.explanation, "not even the first hop answered"));

	o.trace.reached_host = true;
	wr_client_classify(&o, &v);
	assert_int_equal(v.side, WR_SIDE_SERVER);
	assert_string_equal(v.hop, "203.0.113.10");
}

static void test_local_errors(void **state)
{
	struct wr_client_obs o = obs4("203.0.113.10", EPERM);
	struct wr_client_verdict v;

	wr_client_classify(&o, &v);
	assert_string_equal(v.cause, "firewall_drop");
	assert_int_equal(v.side, WR_SIDE_CLIENT);
	o = obs4("203.0.113.10", ENETUNREACH);
	wr_client_classify(&o, &v);
	assert_string_equal(v.cause, "no_route");
	assert_string_equal(v.hint, "ip route get 203.0.113.10");
	assert_string_equal(v.client_sees, "Network is unreachable");
	o = obs4("203.0.113.10", EADDRNOTAVAIL);
	wr_client_classify(&o, &v);
	assert_string_equal(v.cause, "error");
	assert_int_equal(v.exit_code, 1);
}

static void test_connected(void **state)
{
	struct wr_client_obs o = obs4("192.0.2.10", 0);
	struct wr_client_verdict v;

	o.elapsed_ms = 3;
	wr_client_classify(&o, &v);
	assert_string_equal(v.cause, "connected");
	assert_int_equal(v.side, WR_SIDE_NONE);
	assert_int_equal(v.exit_code, 0);
	assert_string_equal(v.explanation, "connected in 3 ms; closed again");

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	o.addresses = 2;	/* the first address failed, as ssh, the second was tried */
	o.tried = 2;
	wr_client_print_text(f, &o, &v);
	fclose(f);
	assert_string_equal(buf, "CONNECTED 192.0.2.2:40000 -> 192.0.2.10:22 (HOST server.example)  "
			    "connected in 3 ms; closed again\n"
			    "          HOST has 2 addresses, 2 tried in order (as ssh does); this is "
			    "the last\n");
	free(buf);
}

static void test_json_record(void **state)
{
	struct wr_client_obs o = obs4("203.0.113.10", EHOSTUNREACH);
	struct wr_client_verdict v;
	struct jw w;

	o.elapsed_ms = 12;
	icmp_from(&o, 3, 13, "198.51.100.1");
	wr_client_classify(&o, &v);
	jw_init(&w);
	wr_client_json(&w, "2026-12-02T07:00:00.000000000Z", &o, &v);
	assert_string_equal(jw_result(&w),
		"{\"ts\":\"2026-12-02T07:00:00.000000000Z\",\"event\":\"client\",\"host\":"
		"\"server.example\",\"port\":22,\"family\":\"ipv4\",\"daddr\":\"203.0.113.10\","
		"\"saddr\":\"192.0.2.2\",\"sport\":40000,\"cause\":\"firewall_reject\",\"side\":"
		"\"router\",\"reply\":\"icmp admin-prohibited\",\"hop\":\"198.51.100.1\",\"icmp\":"
		"{\"type\":3,\"code\":13,\"from\":\"198.51.100.1\"},\"client_sees\":\"No route to "
		"host\",\"explanation\":\"icmp admin-prohibited from 198.51.100.1, a router before "
		"HOST: its firewall rejects what it forwards to HOST, HOST never saw the SYN\","
		"\"hints\":[\"on 198.51.100.1: nft list ruleset (its forward chains)\"],"
		"\"elapsed_ms\":12,\"addresses\":1,\"tried\":1}");
	jw_free(&w);
}

static void test_text_line(void **state)
{
	struct wr_client_obs o = obs4("192.0.2.10", ECONNREFUSED);
	struct wr_client_verdict v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	o.host = "evil\x1b[2Jname";	/* a terminal escape from the command line */
	wr_client_classify(&o, &v);
	wr_client_print_text(f, &o, &v);
	fclose(f);
	assert_string_equal(buf,
		"REFUSED   192.0.2.2:40000 -> 192.0.2.10:22 (HOST evil?[2Jname)  refused by HOST "
		"itself (RST from 192.0.2.10): run whyrefused there; the client sees Connection "
		"refused\n"
		"          nothing listens on port 22 there, or a rule answers tcp-reset; on "
		"192.0.2.10: ss -ltn; whyrefused -p 22\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_errqueue_v4),
		cmocka_unit_test(test_errqueue_v6),
		cmocka_unit_test(test_icmp_names),
		cmocka_unit_test(test_rst_from_host),
		cmocka_unit_test(test_icmp_from_router),
		cmocka_unit_test(test_icmp_from_host_itself),
		cmocka_unit_test(test_icmp_from_this_machine),
		cmocka_unit_test(test_icmpv6_from_router),
		cmocka_unit_test(test_silence),
		cmocka_unit_test(test_local_errors),
		cmocka_unit_test(test_connected),
		cmocka_unit_test(test_json_record),
		cmocka_unit_test(test_text_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
