// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Rules of iptables-nft tables found in `iptables -S` by their position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ipt_nft.h"
#include "nft_listing.h"

/* Recorded from iptables-nft 1.8.9 and nft 1.0.6 on the same table. */
static const char ipt_dump[] =
	"-P INPUT ACCEPT\n"
	"-A INPUT -d 192.0.2.10/32 -p tcp -m tcp --dport 8443 -m comment --comment "
	"\"default/web:https has no endpoints\" -j REJECT --reject-with icmp-port-unreachable\n"
	"-A INPUT -p tcp -m tcp --dport 22 -j DROP\n"
	"-A INPUT_direct -j ACCEPT\n";
static const char nft_listing[] =
	"table ip filter {\n"
	"\tchain INPUT { # handle 1\n"
	"\t\ttype filter hook input priority filter; policy accept;\n"
	"\t\tip daddr 192.0.2.10 tcp dport 8443  counter reject # handle 2\n"
	"\t\ttcp dport 22 counter drop # handle 3\n"
	"\t}\n"
	"}\n";

static void test_same_rule_by_position(void **state)
{
	char text[256], out[256];
	unsigned n, total = wr_nft_listing_count(nft_listing);

	assert_int_equal(total, 2);
	assert_int_equal(wr_nft_listing_find(nft_listing, 2, text, sizeof(text), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(wr_ipt_rule_line(ipt_dump, "INPUT", n, total, out, sizeof(out)), 0);
	assert_string_equal(out, "-A INPUT -d 192.0.2.10/32 -p tcp -m tcp --dport 8443 -m comment "
				 "--comment \"default/web:https has no endpoints\" -j REJECT "
				 "--reject-with icmp-port-unreachable");
	assert_int_equal(wr_ipt_rule_line(ipt_dump, "INPUT", 2, total, out, sizeof(out)), 0);
	assert_string_equal(out, "-A INPUT -p tcp -m tcp --dport 22 -j DROP");
	/* The chain's policy. */
	assert_int_equal(wr_ipt_rule_line(ipt_dump, "INPUT", 0, total, out, sizeof(out)), 0);
	assert_string_equal(out, "-P INPUT ACCEPT");
	/* A chain whose name starts like another's is not mixed up with it. */
	assert_int_equal(wr_ipt_rule_line(ipt_dump, "INPUT_direct", 1, 1, out, sizeof(out)), 0);
	assert_string_equal(out, "-A INPUT_direct -j ACCEPT");
}

static void test_counts_disagree(void **state)
{
	char out[256];

	/* nft sees a rule iptables does not list (or the reverse): no guess. */
	assert_int_equal(wr_ipt_rule_line(ipt_dump, "INPUT", 1, 3, out, sizeof(out)), -1);
	assert_int_equal(wr_ipt_rule_line(ipt_dump, "INPUT", 3, 2, out, sizeof(out)), -1);
	assert_int_equal(wr_ipt_rule_line("", "INPUT", 1, 1, out, sizeof(out)), -1);
	assert_int_equal(wr_ipt_rule_line(ipt_dump, "OUTPUT", 1, 0, out, sizeof(out)), -1);
}

static void test_which_tables(void **state)
{
	assert_true(wr_ipt_nft_table("ip", "filter"));
	assert_true(wr_ipt_nft_table("ip6", "nat"));
	assert_false(wr_ipt_nft_table("inet", "filter"));
	assert_false(wr_ipt_nft_table("ip", "wrtest"));
	assert_false(wr_ipt_nft_table("bridge", "filter"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_rule_by_position),
		cmocka_unit_test(test_counts_disagree),
		cmocka_unit_test(test_which_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
