// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Kernel events decoded into printable facts. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "event_decode.h"

static const struct wr_enum_name drops[] = {
	{ 2, "NOT_SPECIFIED" }, { 3, "NO_SOCKET" }, { 12, "NETFILTER_DROP" },
};
static const struct wr_enum_name rsts[] = { { 1, "NO_SOCKET" } };

static const char *fake_ksym(void *arg, uint64_t addr)
{
	return addr == 0xffffffff81000000ull ? "nf_hook_slow" : NULL;
}

static struct wr_decode_ctx ctx = {
	.drop_reasons = { drops, 3 },
	.rst_reasons = { rsts, 1 },
	.mono_to_real_ns = 1700000000LL * 1000000000LL,
	.symbolize = fake_ksym,
};

static struct wr_event v4_event(void)
{
	struct wr_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.ts_ns = 5 * 1000000000ull + 123;
	ev.hdr.kind = WR_EV_DROP;
	ev.source = WR_SRC_KFREE_SKB;
	ev.flow.family = WR_AF_INET;
	inet_pton(AF_INET, "198.51.100.7", &ev.flow.saddr.v4);
	inet_pton(AF_INET, "192.0.2.10", &ev.flow.daddr.v4);
	ev.flow.sport = 51234;
	ev.flow.dport = 5432;
	ev.netns = 4026532000u;
	ev.ifindex = 7;
	ev.reason = 12;
	ev.retries = 2;
	ev.location = 0xffffffff81000000ull;
	ev.reply = WR_REPLY_ICMP;
	ev.icmp_type = 3;
	ev.icmp_code = 13;
	return ev;
}

static void test_v4_drop(void **state)
{
	struct wr_event ev = v4_event();
	struct wr_refusal r;

	assert_int_equal(wr_decode_event(&ctx, &ev, &r), 0);
	assert_int_equal(r.family, AF_INET);
	assert_string_equal(r.saddr, "198.51.100.7");
	assert_string_equal(r.daddr, "192.0.2.10");
	assert_int_equal(r.sport, 51234);
	assert_int_equal(r.dport, 5432);
	assert_int_equal(r.netns, 4026532000u);
	assert_int_equal(r.ifindex, 7);
	assert_int_equal(r.retries, 2);
	assert_string_equal(r.reason, "NETFILTER_DROP");
	assert_string_equal(r.location, "nf_hook_slow");
	assert_int_equal(r.reply, WR_REPLY_ICMP);
	assert_int_equal(r.icmp_code, 13);
	assert_int_equal(r.ts.tv_sec, 1700000005);
	assert_int_equal(r.ts.tv_nsec, 123);
}

/* tcp:tcp_retransmit_synack: no kernel reason, the count of SYN-ACKs resent. */
static void test_handshake_event(void **state)
{
	struct wr_event ev = v4_event();
	struct wr_refusal r;

	ev.hdr.kind = WR_EV_HANDSHAKE;
	ev.source = WR_SRC_SYNACK_RTX;
	ev.synack_rtx = 2;
	ev.location = 0;
	assert_int_equal(wr_decode_event(&ctx, &ev, &r), 0);
	assert_int_equal(r.kind, WR_EV_HANDSHAKE);
	assert_int_equal(r.synack_rtx, 2);
	assert_string_equal(r.reason, "SYNACK_UNACKED");
	assert_string_equal(r.saddr, "198.51.100.7");
	assert_null(r.location);
}

/* The SYN's own conntrack said DNAT sent it here: what the client dialled. */
static void test_nat_from_the_kernel(void **state)
{
	struct wr_event ev = v4_event();
	struct wr_refusal r;

	assert_int_equal(wr_decode_event(&ctx, &ev, &r), 0);
	assert_false(r.nat.found);
	ev.nat = 1;
	inet_pton(AF_INET, "203.0.113.1", &ev.nat_daddr.v4);
	ev.nat_dport = 8080;
	assert_int_equal(wr_decode_event(&ctx, &ev, &r), 0);
	assert_true(r.nat.found);
	assert_int_equal(r.nat.netns, 4026532000u);
	assert_string_equal(r.nat.daddr, "203.0.113.1");
	assert_int_equal(r.nat.dport, 8080);
	assert_memory_equal(r.nat.daddr_raw, &ev.nat_daddr.v4, 4);
	assert_string_equal(r.nat.to_daddr, "192.0.2.10");
	assert_int_equal(r.nat.to_dport, 5432);
}

static void test_v6_reset_uses_rst_reason_names(void **state)
{
	struct wr_event ev;
	struct wr_refusal r;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.kind = WR_EV_RESET;
	ev.source = WR_SRC_TCP_SEND_RESET;
	ev.flow.family = WR_AF_INET6;
	inet_pton(AF_INET6, "2001:db8::2", ev.flow.saddr.v6);
	inet_pton(AF_INET6, "2001:db8::1", ev.flow.daddr.v6);
	ev.reason = 1;
	assert_int_equal(wr_decode_event(&ctx, &ev, &r), 0);
	assert_int_equal(r.family, AF_INET6);
	assert_string_equal(r.saddr, "2001:db8::2");
	assert_string_equal(r.daddr, "2001:db8::1");
	assert_string_equal(r.reason, "NO_SOCKET");
	assert_null(r.location);	/* no address to symbolize */
}

static void test_unknown_values_are_named_unknown(void **state)
{
	struct wr_event ev = v4_event();
	struct wr_refusal r;

	ev.reason = 999;
	ev.location = 0x1234;
	assert_int_equal(wr_decode_event(&ctx, &ev, &r), 0);
	assert_string_equal(r.reason, "UNKNOWN");
	assert_null(r.location);
}

static void test_malformed_events_are_refused(void **state)
{
	struct wr_event ev = v4_event();
	struct wr_refusal r;

	ev.flow.family = 99;
	assert_int_equal(wr_decode_event(&ctx, &ev, &r), -1);
	ev = v4_event();
	ev.hdr.kind = 0;
	assert_int_equal(wr_decode_event(&ctx, &ev, &r), -1);
}

static void test_enum_lookup(void **state)
{
	struct wr_enum_table t = { drops, 3 };
	struct wr_enum_table empty = { NULL, 0 };

	assert_string_equal(wr_enum_lookup(&t, 3), "NO_SOCKET");
	assert_null(wr_enum_lookup(&t, 4));
	assert_null(wr_enum_lookup(&empty, 3));
}

static void test_listen_event_v6only(void **state)
{
	struct wr_listen_event ev;
	struct wr_listen_record rec;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.ts_ns = 2 * 1000000000ull + 5;
	ev.hdr.kind = WR_EV_LISTEN;
	ev.family = WR_AF_INET6;
	ev.flags = WR_LISTEN_V6ONLY;
	ev.port = 443;
	ev.netns = 4026532000u;
	ev.pid = 812;
	ev.backlog = 511;
	ev.bound_ifindex = 4;
	memcpy(ev.comm, "nginx: master pr", 16);	/* the kernel's comm is not terminated */
	assert_int_equal(wr_decode_listen(&ctx, &ev, &rec), 0);
	assert_false(rec.stop);
	assert_int_equal(rec.l.family, AF_INET6);
	assert_true(rec.l.v6only);
	assert_int_equal(rec.l.port, 443);
	assert_int_equal(rec.l.pid, 812);
	assert_int_equal(rec.l.wqueue, 511);
	assert_int_equal(rec.l.bound_ifindex, 4);
	assert_int_equal(rec.l.netns, 4026532000u);
	assert_string_equal(rec.l.comm, "nginx: master p");
	assert_int_equal(rec.ts.tv_sec, 1700000002);
	assert_int_equal(rec.ts.tv_nsec, 5);
}

static void test_unlisten_event_v4(void **state)
{
	struct wr_listen_event ev;
	struct wr_listen_record rec;

	memset(&ev, 0, sizeof(ev));
	ev.hdr.kind = WR_EV_UNLISTEN;
	ev.family = WR_AF_INET;
	ev.flags = WR_LISTEN_V6ONLY;	/* meaningless for AF_INET: ignored */
	inet_pton(AF_INET, "127.0.0.1", &ev.addr.v4);
	ev.port = 22;
	assert_int_equal(wr_decode_listen(&ctx, &ev, &rec), 0);
	assert_true(rec.stop);
	assert_false(rec.l.v6only);
	assert_memory_equal(rec.l.addr, "\x7f\0\0\x01", 4);

	ev.hdr.kind = WR_EV_RESET;
	assert_int_equal(wr_decode_listen(&ctx, &ev, &rec), -1);
	ev.hdr.kind = WR_EV_LISTEN;
	ev.family = 99;
	assert_int_equal(wr_decode_listen(&ctx, &ev, &rec), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_drop),
		cmocka_unit_test(test_handshake_event),
		cmocka_unit_test(test_nat_from_the_kernel),
		cmocka_unit_test(test_v6_reset_uses_rst_reason_names),
		cmocka_unit_test(test_unknown_values_are_named_unknown),
		cmocka_unit_test(test_malformed_events_are_refused),
		cmocka_unit_test(test_enum_lookup),
		cmocka_unit_test(test_listen_event_v6only),
		cmocka_unit_test(test_unlisten_event_v4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
