// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Records as JSON lines and human lines, and write-error accounting. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "explain.h"
#include "verdict.h"
#include "output.h"

static char *buf;
static size_t len;
static FILE *mem;
static struct wr_output out;

static int setup(void **state)
{
	mem = open_memstream(&buf, &len);
	wr_output_init(&out, mem, mem, true, false);
	return 0;
}

static int teardown(void **state)
{
	wr_output_free(&out);
	fclose(mem);
	free(buf);
	return 0;
}

static const char *text(void)
{
	fflush(mem);
	return buf;
}

static struct wr_refusal sample(void)
{
	struct wr_refusal r;

	memset(&r, 0, sizeof(r));
	r.ts.tv_sec = 1795995901;	/* 2026-11-29T23:45:01Z */
	r.ts.tv_nsec = 5;
	r.kind = WR_EV_RESET;
	r.source = WR_SRC_TCP_SEND_RESET;
	r.family = AF_INET;
	strcpy(r.saddr, "198.51.100.7");
	strcpy(r.daddr, "192.0.2.10");
	r.sport = 51234;
	r.dport = 22;
	r.netns = 4026531840u;
	r.ifindex = 2;
	r.reason = "NO_SOCKET";
	wr_explain(&r);
	wr_verdict(&r);
	return r;
}

static void test_rfc3339_has_nanoseconds_and_utc(void **state)
{
	struct timespec ts = { .tv_sec = 1795995901, .tv_nsec = 123456789 };
	char s[48];

	wr_format_rfc3339(&ts, s, sizeof(s));
	assert_string_equal(s, "2026-11-29T23:45:01.123456789Z");
}

static void test_json_refusal_record(void **state)
{
	struct wr_refusal r = sample();

	wr_output_refusal(&out, &r);
	assert_string_equal(text(),
		"{\"ts\":\"2026-11-29T23:45:01.000000005Z\",\"event\":\"refusal\","
		"\"cause\":\"no_listener\",\"family\":\"ipv4\",\"saddr\":\"198.51.100.7\","
		"\"sport\":51234,\"daddr\":\"192.0.2.10\",\"dport\":22,\"netns\":4026531840,"
		"\"ifindex\":2,\"reason\":\"NO_SOCKET\",\"retries\":0,"
		"\"explanation\":\"no socket listens on 192.0.2.10:22; the kernel answered with "
		"RST, the client sees Connection refused\","
		"\"hints\":[\"is the service running, and on which port? ss -ltnp in netns "
		"4026531840\"],\"client_sees\":\"Connection refused\","
		"\"hook\":\"tcp:tcp_send_reset\",\"listeners\":[]}\n");
	assert_int_equal(out.written, 1);
}

static void test_json_firewall_record_has_reply_and_location(void **state)
{
	struct wr_refusal r = sample();

	r.kind = WR_EV_DROP;
	r.source = WR_SRC_KFREE_SKB;
	r.reason = "NETFILTER_DROP";
	r.reply = WR_REPLY_ICMP;
	r.icmp_type = 3;
	r.icmp_code = 3;
	r.location = "nft_do_chain";
	wr_explain(&r);
	wr_verdict(&r);
	wr_output_refusal(&out, &r);
	assert_non_null(strstr(text(), "\"cause\":\"firewall_reject\""));
	assert_non_null(strstr(text(), "\"reply\":\"icmp port-unreachable\""));
	assert_non_null(strstr(text(), "\"hook\":\"skb:kfree_skb\",\"location\":\"nft_do_chain\"}"));
}

static void test_hostile_strings_stay_on_one_line(void **state)
{
	struct wr_refusal r = sample();

	r.location = "evil\"},\n{\"event\":\"x\x01\xff";
	r.reason = "OTHER";
	r.kind = WR_EV_DROP;
	wr_explain(&r);
	wr_verdict(&r);
	wr_output_refusal(&out, &r);
	assert_int_equal(strchr(text(), '\n') - text(), (long)strlen(text()) - 1);
	assert_non_null(strstr(text(), "evil\\\"},\\n{\\\"event\\\":\\\"x\\u0001\\ufffd"));
}

static void test_text_line(void **state)
{
	struct wr_refusal r = sample();
	char want[512], when[16];
	struct tm tm;

	out.json = false;
	localtime_r(&r.ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	r.retries = 3;
	wr_output_refusal(&out, &r);
	snprintf(want, sizeof(want),
		 "%s REFUSED  198.51.100.7:51234 -> 192.0.2.10:22  no socket listens on "
		 "192.0.2.10:22; the kernel answered with RST, the client sees Connection "
		 "refused (3 retries folded)\n"
		 "         is the service running, and on which port? ss -ltnp in netns "
		 "4026531840\n", when);
	assert_string_equal(text(), want);
}

static void test_text_does_not_repeat_the_hint_in_the_explanation(void **state)
{
	struct wr_refusal r = sample();

	out.json = false;
	r.n_hints = 2;
	strcpy(r.hints[0], "sshd (pid 812) on 0.0.0.0:2222 -- wrong port?");
	strcpy(r.hints[1], "sshd (pid 812) on [::]:2222 -- wrong port?");
	snprintf(r.explanation, sizeof(r.explanation), "no socket listens on 192.0.2.10:22; %s",
		 r.hints[0]);
	wr_output_refusal(&out, &r);
	assert_non_null(strstr(text(), "22; sshd (pid 812) on 0.0.0.0:2222 -- wrong port?\n"
				       "         sshd (pid 812) on [::]:2222 -- wrong port?\n"));
	assert_null(strstr(text(), "         sshd (pid 812) on 0.0.0.0:2222"));
}

static void test_text_ipv6_brackets_and_color(void **state)
{
	struct wr_refusal r = sample();

	r.family = AF_INET6;
	strcpy(r.saddr, "2001:db8::2");
	strcpy(r.daddr, "2001:db8::1");
	out.json = false;
	out.color = true;
	wr_output_refusal(&out, &r);
	assert_non_null(strstr(text(), "\033[1;31mREFUSED \033[0m [2001:db8::2]:51234 -> "
				       "[2001:db8::1]:22"));
}

static void test_start_and_stats_records(void **state)
{
	struct wr_start_info s = { .ts = { 1795995901, 0 }, .kernel = "6.1.0", .backend = "auto",
				   .mode = "all-hooks" };
	struct wr_stats st = { .ts = { 1795995902, 0 } };

	s.hooks[s.n_hooks++] = (struct wr_hook_choice){ "no_socket", "tp_btf/kfree_skb" };
	s.notes[s.n_notes++] = "no-listener refusals come from skb:kfree_skb NO_SOCKET";
	s.notes[s.n_notes++] = "no kprobes";
	st.kernel[WR_CNT_SEEN] = 6;
	st.kernel[WR_CNT_FOLDED] = 2;
	st.kernel[WR_CNT_EMITTED] = 3;
	st.kernel[WR_CNT_RL_FIREWALL] = 1;
	st.received = 3;
	st.on_demand_attached[0] = 2;
	st.on_demand_s[0] = 240;
	wr_output_start(&out, &s);
	wr_output_stats(&out, &st, true);
	assert_string_equal(text(),
		"{\"ts\":\"2026-11-29T23:45:01.000000000Z\",\"event\":\"start\",\"schema\":1,\"version\":\""
		WR_VERSION "\",\"kernel\":\"6.1.0\",\"backend\":\"auto\",\"mode\":\"all-hooks\",\"hooks\":{\"no_socket\":"
		"\"tp_btf/kfree_skb\"},\"fallback\":\"no-listener refusals come from "
		"skb:kfree_skb NO_SOCKET; no kprobes\"}\n"
		"{\"ts\":\"2026-11-29T23:45:02.000000000Z\",\"event\":\"stats\",\"final\":true,"
		"\"seen\":6,\"filtered\":0,\"folded\":2,\"emitted\":3,\"ringbuf_full\":0,"
		"\"listen_seen\":0,\"listen_lost\":0,\"rate_limited_no_listener\":0,"
		"\"rate_limited_firewall\":1,\"rate_limited_backlog\":0,\"rate_limited_other\":0,\"process_ends_lost\":0,"
		"\"synack_retransmits\":0,\"rate_limited_handshake\":0,"
		"\"received\":3,\"decode_errors\":0,\"inventory_resyncs\":0,\"nat_not_searched\":0,\"rules_not_looked_up\":0,\"units_not_looked_up\":0,\"blockers_not_looked_up\":0,\"netlink_forged\":0,"
		"\"on_demand_replies_attached\":2,\"on_demand_replies_s\":240,"
		"\"on_demand_backlog_attached\":0,\"on_demand_backlog_s\":0,\"written\":1,\"write_errors\":0,\"dropped_output\":0,\"pending_output\":0}\n");
}

static void test_error_record(void **state)
{
	struct timespec ts = { 1795995901, 0 };

	wr_output_error(&out, &ts, "ring buffer \"gone\"");
	assert_string_equal(text(), "{\"ts\":\"2026-11-29T23:45:01.000000000Z\",\"event\":"
				    "\"error\",\"message\":\"ring buffer \\\"gone\\\"\"}\n");
}

static void test_write_errors_are_counted(void **state)
{
	FILE *full = fopen("/dev/full", "w");
	struct wr_output o;
	struct wr_refusal r = sample();

	assert_non_null(full);
	wr_output_init(&o, full, full, true, false);
	wr_output_refusal(&o, &r);
	wr_output_refusal(&o, &r);
	assert_int_equal(o.written, 0);
	assert_int_equal(o.write_errors, 2);
	wr_output_free(&o);
	fclose(full);
}

/* The reader is gone (EPIPE) or stdout closed (EBADF): said, with why. */
static void test_lost_reader_is_noticed_with_its_errno(void **state)
{
	struct wr_refusal r = sample();
	struct wr_output o;
	struct wr_sink sink;
	FILE *f;
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	assert_int_equal(wr_sink_init(&sink, p[1], 4096), 0);
	wr_output_init(&o, stdout, stderr, true, false);
	o.sink = &sink;
	wr_output_refusal(&o, &r);
	assert_true(o.reader_gone);
	assert_int_equal(o.gone_errno, EPIPE);
	wr_output_free(&o);
	wr_sink_free(&sink);
	close(p[1]);

	/* Without a sink, through stdio. */
	assert_int_equal(pipe(p), 0);
	f = fdopen(p[1], "w");
	assert_non_null(f);
	close(p[0]);
	close(p[1]);
	wr_output_init(&o, f, f, true, false);
	wr_output_refusal(&o, &r);
	assert_true(o.reader_gone);
	assert_int_equal(o.gone_errno, EBADF);
	assert_int_equal(o.write_errors, 1);
	wr_output_free(&o);
	fclose(f);
}

static void test_text_sanitize_keeps_names_from_forging_lines(void **state)
{
	char out[64];

	wr_text_sanitize(out, "ss\nhd\x1b[31m\x01", sizeof(out));
	assert_string_equal(out, "ss?hd?[31m?");
	wr_text_sanitize(out, "caf\xc3\xa9 \xff\xc0\xaf \xe2\x82", sizeof(out));
	assert_string_equal(out, "caf\xc3\xa9 ??? ??");
	wr_text_sanitize(out, "\xf0\x9f\x92\xa9", 4);	/* no room for the whole character */
	assert_string_equal(out, "???");
}

/* C1 controls and bidi controls drive a terminal as much as ESC does. */
static void test_text_sanitize_escapes_c1_and_bidi(void **state)
{
	char out[64];

	wr_text_sanitize(out, "a\xc2\x9b" "31mb", sizeof(out));	/* U+009B, CSI */
	assert_string_equal(out, "a?31mb");
	wr_text_sanitize(out, "\xc2\x80\xc2\x9f|\xc2\xa0", sizeof(out));	/* C1 ends at U+009F */
	assert_string_equal(out, "??|\xc2\xa0");
	wr_text_sanitize(out, "x\xe2\x80\xaegnp.exe", sizeof(out));	/* U+202E, RLO */
	assert_string_equal(out, "x?gnp.exe");
	wr_text_sanitize(out, "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", sizeof(out));
	assert_string_equal(out, "????");
	wr_text_sanitize(out, "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", sizeof(out));
	assert_string_equal(out, "????");			/* U+2066-2069, isolates */
	wr_text_sanitize(out, "\xe2\x80\xa8\xe2\x80\xa9", sizeof(out));	/* line, paragraph sep. */
	assert_string_equal(out, "??");
	/* Their neighbours are plain characters. */
	wr_text_sanitize(out, "\xe2\x80\xa9|\xe2\x80\xaf|\xe2\x81\xa5|\xe2\x81\xaa", sizeof(out));
	assert_string_equal(out, "?|\xe2\x80\xaf|\xe2\x81\xa5|\xe2\x81\xaa");
}

/* What the JSON writer replaces with U+FFFD, the text output replaces too. */
static void test_text_sanitize_agrees_with_json_on_invalid_utf8(void **state)
{
	char out[64];

	wr_text_sanitize(out, "\xe0\x80\xaf", sizeof(out));		/* overlong '/' */
	assert_string_equal(out, "???");
	wr_text_sanitize(out, "\xed\xa0\x80", sizeof(out));		/* surrogate */
	assert_string_equal(out, "???");
	wr_text_sanitize(out, "\xf4\x90\x80\x80", sizeof(out));	/* past U+10FFFF */
	assert_string_equal(out, "????");
	wr_text_sanitize(out, "\xf0\x80\x80\xaf", sizeof(out));	/* overlong, 4 bytes */
	assert_string_equal(out, "????");
	wr_text_sanitize(out, "\xf4\x8f\xbf\xbf\xf0\x90\x80\x80", sizeof(out));	/* the ends */
	assert_string_equal(out, "\xf4\x8f\xbf\xbf\xf0\x90\x80\x80");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339_has_nanoseconds_and_utc),
		cmocka_unit_test_setup_teardown(test_json_refusal_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_firewall_record_has_reply_and_location,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_strings_stay_on_one_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_text_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_does_not_repeat_the_hint_in_the_explanation,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_ipv6_brackets_and_color, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_and_stats_records, setup, teardown),
		cmocka_unit_test(test_text_sanitize_keeps_names_from_forging_lines),
		cmocka_unit_test(test_text_sanitize_escapes_c1_and_bidi),
		cmocka_unit_test(test_text_sanitize_agrees_with_json_on_invalid_utf8),
		cmocka_unit_test_setup_teardown(test_error_record, setup, teardown),
		cmocka_unit_test(test_write_errors_are_counted),
		cmocka_unit_test(test_lost_reader_is_noticed_with_its_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
