// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Cause classification and explanations, from decoded refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "explain.h"
#include "verdict.h"

static struct wr_refusal make(uint8_t kind, const char *reason, uint8_t reply, uint8_t code)
{
	struct wr_refusal r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.source = kind == WR_EV_RESET ? WR_SRC_TCP_SEND_RESET : WR_SRC_KFREE_SKB;
	r.family = AF_INET;
	strcpy(r.saddr, "198.51.100.7");
	strcpy(r.daddr, "192.0.2.10");
	r.sport = 51234;
	r.dport = 22;
	r.netns = 4026531840u;
	r.reason = reason;
	r.reply = reply;
	r.icmp_type = reply == WR_REPLY_ICMP6 ? 1 : 3;
	r.icmp_code = code;
	wr_explain(&r);
	wr_verdict(&r);
	return r;
}

static void test_reset_is_no_listener(void **state)
{
	struct wr_refusal r = make(WR_EV_RESET, "NO_SOCKET", 0, 0);

	assert_int_equal(r.cause, WR_CAUSE_NO_LISTENER);
	assert_string_equal(wr_cause_name(r.cause), "no_listener");
	assert_string_equal(wr_cause_label(r.cause), "REFUSED");
	assert_string_equal(r.client_sees, "Connection refused");
	assert_non_null(strstr(r.explanation, "no socket listens on 192.0.2.10:22"));
	assert_int_equal(r.n_hints, 1);
	assert_non_null(strstr(r.hints[0], "4026531840"));
}

/* A SYN-ACK resent twice, no ACK: the path, whatever its reason field says. */
static void test_handshake_incomplete(void **state)
{
	struct wr_refusal r;

	memset(&r, 0, sizeof(r));
	r.kind = WR_EV_HANDSHAKE;
	r.family = AF_INET;
	r.reason = "SYNACK_UNACKED";
	r.synack_rtx = 2;
	wr_explain(&r);
	wr_verdict(&r);
	assert_int_equal(r.cause, WR_CAUSE_HANDSHAKE_INCOMPLETE);
	assert_string_equal(wr_cause_name(r.cause), "handshake_incomplete");
	assert_string_equal(wr_cause_label(r.cause), "UNACKED");
	assert_string_equal(r.client_sees, "Connection timed out");
	assert_non_null(strstr(r.explanation, "the server answered 3 times (its SYN-ACK, resent 2 "
				"times) and the client's ACK never came back: the answer or the ACK "
				"is lost on the way"));
	assert_int_equal(r.n_hints, 0);	/* the listener and the way back come later */
}

static void test_kfree_no_socket_is_no_listener_too(void **state)
{
	/* The fallback on kernels whose tcp_send_reset lacks the reason. */
	struct wr_refusal r = make(WR_EV_DROP, "NO_SOCKET", 0, 0);

	assert_int_equal(r.cause, WR_CAUSE_NO_LISTENER);
}

static void test_ipv6_endpoint_is_bracketed(void **state)
{
	struct wr_refusal r;

	memset(&r, 0, sizeof(r));
	r.kind = WR_EV_RESET;
	r.family = AF_INET6;
	strcpy(r.daddr, "2001:db8::1");
	r.dport = 443;
	r.reason = "NO_SOCKET";
	wr_explain(&r);
	wr_verdict(&r);
	assert_non_null(strstr(r.explanation, "[2001:db8::1]:443"));
}

static void test_netfilter_without_answer_is_drop(void **state)
{
	struct wr_refusal r = make(WR_EV_DROP, "NETFILTER_DROP", WR_REPLY_NONE, 0);
	char buf[64];

	assert_int_equal(r.cause, WR_CAUSE_FIREWALL_DROP);
	assert_string_equal(wr_cause_name(r.cause), "firewall_drop");
	assert_string_equal(r.client_sees, "Connection timed out");
	assert_string_equal(wr_reply_name(&r, buf, sizeof(buf)), "none");
	assert_non_null(strstr(r.explanation, "timeout, not a refusal"));
}

static void test_netfilter_with_rst_is_reject_refused(void **state)
{
	struct wr_refusal r = make(WR_EV_DROP, "NETFILTER_DROP", WR_REPLY_TCP_RST, 0);

	assert_int_equal(r.cause, WR_CAUSE_FIREWALL_REJECT);
	assert_string_equal(wr_cause_name(r.cause), "firewall_reject");
	assert_string_equal(r.client_sees, "Connection refused");
	assert_non_null(strstr(r.explanation, "with tcp-reset"));
}

static void test_icmp_codes_map_to_what_connect_reports(void **state)
{
	static const struct { uint8_t reply, code; const char *name, *sees; } cases[] = {
		{ WR_REPLY_ICMP, 3, "icmp port-unreachable", "Connection refused" },
		{ WR_REPLY_ICMP, 0, "icmp net-unreachable", "Network is unreachable" },
		{ WR_REPLY_ICMP, 1, "icmp host-unreachable", "No route to host" },
		{ WR_REPLY_ICMP, 13, "icmp admin-prohibited", "No route to host" },
		{ WR_REPLY_ICMP, 10, "icmp host-prohibited", "No route to host" },
		{ WR_REPLY_ICMP6, 4, "icmpv6 port-unreachable", "Connection refused" },
		{ WR_REPLY_ICMP6, 1, "icmpv6 admin-prohibited", "Permission denied" },
		{ WR_REPLY_ICMP6, 0, "icmpv6 no-route", "Network is unreachable" },
		{ WR_REPLY_ICMP6, 3, "icmpv6 addr-unreachable", "No route to host" },
		{ WR_REPLY_ICMP, 7, "icmp unreachable code 7", "No route to host" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wr_refusal r = make(WR_EV_DROP, "NETFILTER_DROP", cases[i].reply,
					   cases[i].code);

		assert_int_equal(r.cause, WR_CAUSE_FIREWALL_REJECT);
		assert_string_equal(wr_reply_name(&r, buf, sizeof(buf)), cases[i].name);
		assert_string_equal(r.client_sees, cases[i].sees);
		assert_non_null(strstr(r.explanation, cases[i].name));
	}
}

static void test_other_reasons_are_other_drop_with_meaning(void **state)
{
	struct wr_refusal r = make(WR_EV_DROP, "IP_RPFILTER", 0, 0);

	assert_int_equal(r.cause, WR_CAUSE_OTHER_DROP);
	assert_string_equal(wr_cause_name(r.cause), "other_drop");
	assert_non_null(strstr(r.explanation, "IP_RPFILTER"));
	assert_non_null(strstr(r.explanation, "rp_filter"));
}

/* ip_forward frees a SYN whose TTL ran out with IP_INHDR: a traceroute's
 * probe (whyrefused --client sends them) is not a broken header. */
static void test_ip_inhdr_names_the_ttl(void **state)
{
	(void)state;
	assert_non_null(strstr(wr_drop_reason_meaning("IP_INHDR"), "TTL ran out"));
}

static void test_unknown_reason_still_explained(void **state)
{
	struct wr_refusal r = make(WR_EV_DROP, "SOMETHING_NEW", 0, 0);

	assert_int_equal(r.cause, WR_CAUSE_OTHER_DROP);
	assert_null(wr_drop_reason_meaning("SOMETHING_NEW"));
	assert_non_null(strstr(r.explanation, "drop reason SOMETHING_NEW"));
}

static void test_location_becomes_a_hint_for_other_drops(void **state)
{
	struct wr_refusal r;

	memset(&r, 0, sizeof(r));
	r.kind = WR_EV_DROP;
	r.reason = "XDP";
	r.location = "netif_receive_generic_xdp";
	wr_explain(&r);
	wr_verdict(&r);
	assert_int_equal(r.n_hints, 1);
	assert_string_equal(r.hints[0], "freed in netif_receive_generic_xdp");
}

static void test_explaining_twice_does_not_pile_up_hints(void **state)
{
	struct wr_refusal r = make(WR_EV_RESET, "NO_SOCKET", 0, 0);

	wr_explain(&r);
	wr_verdict(&r);
	assert_int_equal(r.n_hints, 1);
}

static void test_verdict_hook_names_table_and_chain(void **state)
{
	struct wr_refusal r = make(WR_EV_DROP, "NETFILTER_DROP", 0, 0);

	wr_rule_from_verdict(&r);
	assert_string_equal(r.rule.table, "");	/* no verdict hook ran */

	r.nf_backend = WR_NF_IPTABLES;
	r.nf_hook = 1;			/* NF_INET_LOCAL_IN */
	strcpy(r.nf_table, "filter");
	wr_rule_from_verdict(&r);
	assert_string_equal(r.rule.table, "filter");
	assert_string_equal(r.rule.chain, "INPUT");

	memset(&r.rule, 0, sizeof(r.rule));
	r.nf_backend = WR_NF_NFTABLES;
	r.nf_hook = 0;
	strcpy(r.nf_table, "demo");
	strcpy(r.nf_chain, "input");
	wr_rule_from_verdict(&r);
	assert_string_equal(r.rule.table, "demo");
	assert_string_equal(r.rule.chain, "input");

	memset(&r.rule, 0, sizeof(r.rule));
	r.nf_backend = WR_NF_IPTABLES;
	r.nf_hook = 9;			/* not a hook iptables has: no chain guessed */
	r.nf_chain[0] = '\0';
	wr_rule_from_verdict(&r);
	assert_string_equal(r.rule.table, "demo");
	assert_string_equal(r.rule.chain, "");
}

/* Answers not watched (the default, before on-demand hooks): no answer may still be a REJECT. */
static struct wr_refusal blocked(int family)
{
	struct wr_refusal r;

	memset(&r, 0, sizeof(r));
	r.kind = WR_EV_DROP;
	r.family = family;
	r.reason = "NETFILTER_DROP";
	r.answers_unwatched = true;
	wr_explain(&r);
	wr_verdict(&r);
	return r;
}

static void test_unwatched_answer_is_blocked_not_drop(void **state)
{
	struct wr_refusal r = blocked(AF_INET);

	assert_int_equal(r.cause, WR_CAUSE_FIREWALL_BLOCKED);
	assert_string_equal(wr_cause_name(r.cause), "firewall_blocked");
	assert_string_equal(r.client_sees, "Connection refused or a timeout");
	assert_non_null(strstr(r.explanation, "rejected or dropped"));
}

static void test_unwatched_but_seen_icmp_is_still_reject(void **state)
{
	struct wr_refusal r;

	memset(&r, 0, sizeof(r));
	r.kind = WR_EV_DROP;
	r.family = AF_INET;
	r.reason = "NETFILTER_DROP";
	r.answers_unwatched = true;	/* icmp:icmp_send saw it anyway */
	r.reply = WR_REPLY_ICMP;
	r.icmp_type = 3;
	r.icmp_code = 13;
	wr_explain(&r);
	wr_verdict(&r);
	assert_int_equal(r.cause, WR_CAUSE_FIREWALL_REJECT);
	assert_string_equal(r.client_sees, "No route to host");
}

static void test_rule_text_tells_blocked_apart(void **state)
{
	static const struct {
		int family;
		const char *text;
		bool policy;
		enum wr_cause cause;
		const char *reply, *client_sees;
	} cases[] = {
		{ AF_INET, "tcp dport 22 reject with tcp reset", false, WR_CAUSE_FIREWALL_REJECT,
		  "tcp-reset", "Connection refused" },
		{ AF_INET, "-A INPUT -p tcp -j REJECT --reject-with tcp-reset", false,
		  WR_CAUSE_FIREWALL_REJECT, "tcp-reset", "Connection refused" },
		{ AF_INET, "tcp dport 22 reject", false, WR_CAUSE_FIREWALL_REJECT,
		  "icmp port-unreachable", "Connection refused" },
		{ AF_INET, "reject with icmp host-unreachable", false, WR_CAUSE_FIREWALL_REJECT,
		  "icmp host-unreachable", "No route to host" },
		{ AF_INET, "-j REJECT --reject-with icmp-host-prohibited", false,
		  WR_CAUSE_FIREWALL_REJECT, "icmp host-prohibited", "No route to host" },
		{ AF_INET, "-j REJECT --reject-with icmp-port-unreach", false,
		  WR_CAUSE_FIREWALL_REJECT, "icmp port-unreachable", "Connection refused" },
		{ AF_INET6, "-j REJECT --reject-with icmp6-adm-prohibited", false,
		  WR_CAUSE_FIREWALL_REJECT, "icmpv6 admin-prohibited", "Permission denied" },
		{ AF_INET6, "reject", false, WR_CAUSE_FIREWALL_REJECT, "icmpv6 port-unreachable",
		  "Connection refused" },
		{ AF_INET, "ip saddr 198.51.100.0/24 counter drop", false, WR_CAUSE_FIREWALL_DROP,
		  "none", "Connection timed out" },
		{ AF_INET, "-A INPUT -p tcp -j DROP", false, WR_CAUSE_FIREWALL_DROP, "none",
		  "Connection timed out" },
		{ AF_INET, "chain input policy drop", true, WR_CAUSE_FIREWALL_DROP, "none",
		  "Connection timed out" },
	};
	char reply[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wr_refusal r = blocked(cases[i].family);

		assert_true(wr_answer_from_rule(&r, cases[i].text, cases[i].policy));
		wr_verdict(&r);
		assert_int_equal(r.cause, cases[i].cause);
		assert_string_equal(wr_reply_name(&r, reply, sizeof(reply)), cases[i].reply);
		assert_string_equal(r.client_sees, cases[i].client_sees);
		assert_non_null(strstr(r.explanation, "(its verdict: its answer was not watched)"));
		assert_int_equal(r.n_hints, 1);	/* not doubled */
	}
}

static void test_rule_text_saying_neither_changes_nothing(void **state)
{
	struct wr_refusal r = blocked(AF_INET);
	struct wr_refusal before = r;

	assert_false(wr_answer_from_rule(&r, "tcp dport 22 counter", false));
	assert_memory_equal(&r, &before, sizeof(r));
	/* Not blocked: a seen answer is never overruled by a rule's text. */
	r = make(WR_EV_DROP, "NETFILTER_DROP", WR_REPLY_TCP_RST, 0);
	assert_false(wr_answer_from_rule(&r, "drop", false));
	assert_int_equal(r.cause, WR_CAUSE_FIREWALL_REJECT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_is_no_listener),
		cmocka_unit_test(test_handshake_incomplete),
		cmocka_unit_test(test_kfree_no_socket_is_no_listener_too),
		cmocka_unit_test(test_ipv6_endpoint_is_bracketed),
		cmocka_unit_test(test_netfilter_without_answer_is_drop),
		cmocka_unit_test(test_netfilter_with_rst_is_reject_refused),
		cmocka_unit_test(test_icmp_codes_map_to_what_connect_reports),
		cmocka_unit_test(test_other_reasons_are_other_drop_with_meaning),
		cmocka_unit_test(test_ip_inhdr_names_the_ttl),
		cmocka_unit_test(test_unknown_reason_still_explained),
		cmocka_unit_test(test_location_becomes_a_hint_for_other_drops),
		cmocka_unit_test(test_explaining_twice_does_not_pile_up_hints),
		cmocka_unit_test(test_verdict_hook_names_table_and_chain),
		cmocka_unit_test(test_unwatched_answer_is_blocked_not_drop),
		cmocka_unit_test(test_unwatched_but_seen_icmp_is_still_reject),
		cmocka_unit_test(test_rule_text_tells_blocked_apart),
		cmocka_unit_test(test_rule_text_saying_neither_changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
