// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* conntrack's own drops (a full table) told as such, never as a rule; its counters parsed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "conntrack_stat.h"
#include "verdict.h"

/* Debian 6.12's header; 6.1's is the same, older kernels lack clashres. */
static const char stat_text[] =
	"entries  clashres found     new       invalid   ignore    delete    chainlength insert"
	"    insert_failed drop      early_drop icmp_error  expect_new expect_create "
	"expect_delete search_restart\n"
	"00000040  00000000  00000000  00000000  00000003  00000000  00000000  00000000  "
	"00000000  00000000  0000000a  00000001  00000000  00000000  00000000  00000000  "
	"00000000\n"
	"00000040  00000000  00000000  00000000  00000000  00000000  00000000  00000000  "
	"00000000  00000002  00000005  00000000  00000000  00000000  00000000  00000000  "
	"00000000\n";

static void netfilter_drop(struct wr_refusal *r)
{
	memset(r, 0, sizeof(*r));
	r->cause = WR_CAUSE_FIREWALL_BLOCKED;
	r->reason = "NETFILTER_DROP";
	r->rule.present = true;
	r->answers_unwatched = true;
	strcpy(r->explanation, "a firewall rule blocked the SYN");
	r->n_hints = 1;
	strcpy(r->hints[0], "list the rules in netns 1: nft -a list ruleset; iptables -S");
}

static void test_parse_sums_cpus(void **state)
{
	struct wr_ct_counters c;

	(void)state;
	assert_int_equal(wr_ct_stat_parse(stat_text, &c), 0);
	assert_int_equal(c.drop, 15);
	assert_int_equal(c.early_drop, 1);
	assert_int_equal(c.insert_failed, 2);
	assert_int_equal(c.invalid, 3);
	assert_int_equal(wr_ct_stat_parse("no header here\n1 2 3\n", &c), -1);
	assert_int_equal(wr_ct_stat_parse("", &c), -1);
	/* A column without values, garbage and an overlong word: no crash, no negative sum. */
	assert_int_equal(wr_ct_stat_parse("drop invalid\nffffffffffffffff zz\n"
					  "7fffffffffffffff 00000000000000000000000001\n", &c), 0);
	assert_true(c.drop >= 0 && c.invalid >= 0);
}

static void test_full_table_is_no_rule(void **state)
{
	struct wr_ct_counters g = { .drop = 2, .early_drop = 0 };
	struct wr_refusal r;

	(void)state;
	netfilter_drop(&r);
	assert_true(wr_conntrack_explain(&r, &g, 2, 64, 64, false, "ip netns exec web "));
	wr_conntrack_dropped_words(&r);	/* the verdict's words */
	assert_int_equal(wr_cause_of(&r), WR_CAUSE_OTHER_DROP);	/* verdict.c decides */
	assert_string_equal(r.reason, "CONNTRACK_FULL");
	assert_false(r.rule.present);
	assert_false(r.answers_unwatched);
	assert_true(r.conntrack.dropped);
	assert_non_null(strstr(r.explanation, "conntrack's table is full (64 entries, "
				"net.netfilter.nf_conntrack_max = 64)"));
	assert_null(strstr(r.explanation, "a firewall rule dropped"));
	assert_int_equal(r.n_hints, 2);
	assert_non_null(strstr(r.hints[0], "drop +2"));
	assert_non_null(strstr(r.hints[1], "ip netns exec web conntrack -S"));
	assert_non_null(strstr(r.hints[1], "sysctl net.netfilter.nf_conntrack_count "
			       "net.netfilter.nf_conntrack_max"));
}

static void test_rule_stays_a_rule(void **state)
{
	struct wr_ct_counters g = { .drop = 2 }, none = { 0 };
	struct wr_refusal r;

	(void)state;
	/* A table's verdict named it: a rule, even with the table full. */
	netfilter_drop(&r);
	strcpy(r.nf_table, "filter");
	assert_false(wr_conntrack_explain(&r, &g, 2, 64, 64, false, ""));
	wr_conntrack_dropped_words(&r);	/* the verdict's words */
	assert_int_equal(r.cause, WR_CAUSE_FIREWALL_BLOCKED);
	assert_true(r.conntrack.looked);
	assert_false(r.conntrack.dropped);
	/* No drop of conntrack's left to tell. */
	netfilter_drop(&r);
	assert_false(wr_conntrack_explain(&r, &none, 0, 64, 64, false, ""));
	wr_conntrack_dropped_words(&r);	/* the verdict's words */
	assert_int_equal(r.cause, WR_CAUSE_FIREWALL_BLOCKED);
	/* A first look counts old drops: only a full table makes them this SYN's. */
	netfilter_drop(&r);
	wr_conntrack_explain(&r, &g, wr_conntrack_pool(0, 2, true, 10, 65536), 10, 65536, true, "");
	wr_conntrack_dropped_words(&r);	/* the verdict's words */
	assert_int_equal(r.cause, WR_CAUSE_FIREWALL_BLOCKED);
	assert_int_equal(r.n_hints, 1);
	/* Not a NETFILTER_DROP: untouched, not even looked at. */
	netfilter_drop(&r);
	r.cause = WR_CAUSE_NO_LISTENER;
	r.reason = "NO_SOCKET";
	wr_conntrack_explain(&r, &g, 2, 64, 64, false, "");
	wr_conntrack_dropped_words(&r);	/* the verdict's words */
	assert_false(r.conntrack.looked);
}

static void test_drop_below_the_limit(void **state)
{
	struct wr_ct_counters g = { .drop = 1, .insert_failed = 1 };
	struct wr_refusal r;

	(void)state;
	netfilter_drop(&r);
	wr_conntrack_explain(&r, &g, wr_conntrack_pool(0, 1, false, 100, 65536), 100, 65536, false,
			     "");
	wr_conntrack_dropped_words(&r);	/* the verdict's words */
	assert_string_equal(r.reason, "CONNTRACK_DROP");
	assert_non_null(strstr(r.explanation, "conntrack dropped the SYN"));
	assert_non_null(strstr(r.hints[0], "insert_failed +1"));
}

static void test_invalid_rule_is_conntrack_s(void **state)
{
	struct wr_ct_counters g = { .invalid = 2 };
	struct wr_refusal r;

	(void)state;
	assert_true(wr_conntrack_invalid_rule("ct state invalid drop"));
	assert_true(wr_conntrack_invalid_rule("ct state { invalid, untracked } counter drop"));
	assert_true(wr_conntrack_invalid_rule("-A INPUT -m conntrack --ctstate INVALID -j DROP"));
	assert_true(wr_conntrack_invalid_rule("-A INPUT -m state --state INVALID,UNTRACKED -j DROP"));
	assert_false(wr_conntrack_invalid_rule("tcp dport 22 drop comment \"invalid\""));
	assert_false(wr_conntrack_invalid_rule("ct state new tcp dport 8080 drop"));
	assert_false(wr_conntrack_invalid_rule("ct state new drop comment \"invalid users\""));
	assert_false(wr_conntrack_invalid_rule("ct state"));
	assert_false(wr_conntrack_invalid_rule("ct state { new"));
	assert_false(wr_conntrack_invalid_rule("-A INPUT -m conntrack --ctstate NEW -j DROP"));

	netfilter_drop(&r);
	r.cause = WR_CAUSE_FIREWALL_DROP;
	r.client_sees = "Connection timed out";
	wr_conntrack_explain(&r, &g, 0, 10, 65536, false, "ip netns exec web ");
	wr_conntrack_dropped_words(&r);	/* the verdict's words */
	r.rule.found = true;
	strcpy(r.rule.text, "ct state invalid drop");
	wr_conntrack_invalid_words(&r);
	assert_int_equal(r.cause, WR_CAUSE_FIREWALL_DROP);	/* the rule stays named */
	assert_non_null(strstr(r.explanation, "conntrack called the SYN invalid"));
	assert_non_null(strstr(r.hints[r.n_hints - 2], "invalid counter rose by 2 since the last look"));
	assert_non_null(strstr(r.hints[r.n_hints - 1], "ip netns exec web conntrack -S"));
	assert_non_null(strstr(r.hints[r.n_hints - 1], "nf_conntrack_log_invalid"));
	/* Any other rule: untouched. */
	netfilter_drop(&r);
	r.rule.found = true;
	strcpy(r.rule.text, "tcp dport 8080 drop");
	wr_conntrack_invalid_words(&r);
	assert_string_equal(r.explanation, "a firewall rule blocked the SYN");
}

/* Drops not told yet: kept for the next events only while the table is full. */
static void test_pool(void **state)
{
	(void)state;
	/* First look: the namespace's whole life, trusted with the table full only. */
	assert_int_equal(wr_conntrack_pool(0, 10, true, 8, 8), 10);
	assert_int_equal(wr_conntrack_pool(0, 10, true, 3, 8), 0);
	/* Events read in a batch: the second finds the counter moved already. */
	assert_int_equal(wr_conntrack_pool(9, 0, false, 8, 8), 9);
	assert_int_equal(wr_conntrack_pool(9, 2, false, 8, 8), 11);
	/* Within 1/64 of the limit counts as full (entries expire as we read). */
	assert_int_equal(wr_conntrack_pool(3, 0, false, 65000, 65536), 3);
	/* Not full: only what moved since the last look; old ones forgotten. */
	assert_int_equal(wr_conntrack_pool(9, 0, false, 100, 65536), 0);
	assert_int_equal(wr_conntrack_pool(9, 1, false, 100, 65536), 1);
	/* Unread sizes (-1), a counter that went back: nothing kept, nothing negative. */
	assert_int_equal(wr_conntrack_pool(9, 0, false, -1, -1), 0);
	assert_int_equal(wr_conntrack_pool(-4, -3, false, 8, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_sums_cpus),
		cmocka_unit_test(test_full_table_is_no_rule),
		cmocka_unit_test(test_rule_stays_a_rule),
		cmocka_unit_test(test_drop_below_the_limit),
		cmocka_unit_test(test_invalid_rule_is_conntrack_s),
		cmocka_unit_test(test_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
