// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A rule's text found by handle in `nft -s -a list chain` output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nft_listing.h"

/* nft 1.0.6, `nft -s -a list chain inet wrfw ssh_rules` and an input chain. */
static const char listing[] =
	"table inet wrfw { # handle 1\n"
	"\tchain input { # handle 2\n"
	"\t\ttype filter hook input priority filter; policy accept;\n"
	"\t\ttcp dport 22 jump ssh_rules # handle 5\n"
	"\t\ttcp dport 80 counter comment \"see # handle 9\" drop # handle 7\n"
	"\t\tmeta l4proto tcp ip saddr 192.0.2.0/24 counter reject with tcp reset # handle 16\n"
	"\t}\n"
	"}\n";

/* ufw's INPUT chain as iptables-nft made it (nft 1.0.6, ufw 0.36.2). */
static const char ufw_input[] =
	"table ip filter {\n"
	"\tchain INPUT { # handle 19\n"
	"\t\ttype filter hook input priority filter; policy drop;\n"
	"\t\tcounter jump ufw-before-logging-input # handle 20\n"
	"\t\tcounter jump ufw-before-input # handle 21\n"
	"\t\tcounter jump ufw-after-input # handle 22\n"
	"\t\tip saddr 192.0.2.0/24 goto ufw-before-input # handle 23\n"
	"\t}\n"
	"}\n";

static void test_jumps_in_order_each_once(void **state)
{
	char jumps[192], tiny[20];

	(void)state;
	wr_nft_listing_jumps(ufw_input, jumps, sizeof(jumps));
	assert_string_equal(jumps, "ufw-before-logging-input ufw-before-input ufw-after-input");
	wr_nft_listing_jumps(listing, jumps, sizeof(jumps));
	assert_string_equal(jumps, "ssh_rules");
	/* A name that does not fit is left out whole, never cut. */
	wr_nft_listing_jumps(ufw_input, tiny, sizeof(tiny));
	assert_string_equal(tiny, "ufw-before-input");
}

static void test_rule_by_handle(void **state)
{
	char text[256];
	unsigned n = 0;

	assert_int_equal(wr_nft_listing_find(listing, 16, text, sizeof(text), &n), 0);
	assert_string_equal(text, "meta l4proto tcp ip saddr 192.0.2.0/24 counter reject with tcp reset");
	assert_int_equal(n, 3);
	assert_int_equal(wr_nft_listing_find(listing, 5, text, sizeof(text), &n), 0);
	assert_string_equal(text, "tcp dport 22 jump ssh_rules");
	assert_int_equal(n, 1);
}

static void test_comment_with_a_handle_inside(void **state)
{
	char text[256];
	unsigned n = 0;

	assert_int_equal(wr_nft_listing_find(listing, 7, text, sizeof(text), &n), 0);
	assert_string_equal(text, "tcp dport 80 counter comment \"see # handle 9\" drop");
	assert_int_equal(wr_nft_listing_find(listing, 9, text, sizeof(text), &n), -1);
}

static void test_table_and_chain_handles_are_not_rules(void **state)
{
	char text[256];
	unsigned n = 0;

	assert_int_equal(wr_nft_listing_find(listing, 1, text, sizeof(text), &n), -1);
	assert_int_equal(wr_nft_listing_find(listing, 2, text, sizeof(text), &n), -1);
	/* handle 1 is not a prefix of 16 either */
	assert_int_equal(wr_nft_listing_find("\t\tdrop # handle 16\n", 1, text, sizeof(text), &n), -1);
	assert_int_equal(wr_nft_listing_find("", 1, text, sizeof(text), &n), -1);
}

/* `nft -s -a list ruleset` (nft 1.0.6) with two tables holding a chain "input". */
static const char ruleset[] =
	"table ip filter { # handle 3\n"
	"\tchain input { # handle 1\n"
	"\t\ttype filter hook input priority filter; policy accept;\n"
	"\t\ttcp dport 25 drop # handle 4\n"
	"\t}\n"
	"}\n"
	"table inet wr fw { # handle 7\n"
	"\tchain other { # handle 1\n"
	"\t\ttcp dport 80 drop # handle 2\n"
	"\t}\n"
	"\tchain input { # handle 3\n"
	"\t\ttype filter hook input priority filter; policy drop;\n"
	"\t\ttcp dport 22 jump other # handle 4\n"
	"\t\ttcp dport 2500 drop # handle 5\n"
	"\t}\n"
	"}\n";

static void test_chain_of_the_right_table(void **state)
{
	char block[512], text[128], jumps[64];
	unsigned n = 0;

	(void)state;
	assert_int_equal(wr_nft_listing_chain(ruleset, "inet", "wr fw", "input", block,
					      sizeof(block)), 0);
	/* handle 4 is in both tables: the block holds only this table's rule. */
	assert_int_equal(wr_nft_listing_find(block, 4, text, sizeof(text), &n), 0);
	assert_string_equal(text, "tcp dport 22 jump other");
	assert_int_equal(n, 1);
	assert_int_equal(wr_nft_listing_count(block), 2);
	wr_nft_listing_jumps(block, jumps, sizeof(jumps));
	assert_string_equal(jumps, "other");
	assert_int_equal(wr_nft_listing_chain(ruleset, "ip", "filter", "input", block,
					      sizeof(block)), 0);
	assert_int_equal(wr_nft_listing_find(block, 4, text, sizeof(text), &n), 0);
	assert_string_equal(text, "tcp dport 25 drop");
}

static void test_chain_names_match_whole(void **state)
{
	char block[512];

	(void)state;
	/* A prefix, another family, a table's name as a chain's: none match. */
	assert_int_equal(wr_nft_listing_chain(ruleset, "inet", "wr", "input", block,
					      sizeof(block)), -1);
	assert_int_equal(wr_nft_listing_chain(ruleset, "ip", "wr fw", "input", block,
					      sizeof(block)), -1);
	assert_int_equal(wr_nft_listing_chain(ruleset, "inet", "wr fw", "inpu", block,
					      sizeof(block)), -1);
	assert_int_equal(wr_nft_listing_chain(ruleset, "inet", "wr fw", "input {", block,
					      sizeof(block)), -1);
	/* Too small for the chain's lines: not a cut block, nothing. */
	assert_int_equal(wr_nft_listing_chain(ruleset, "inet", "wr fw", "input", block, 40), -1);
	/* A hostile name is just bytes compared: it matches itself only. */
	assert_int_equal(wr_nft_listing_chain("table ip t { # handle 1\n"
					      "\tchain x; add table ip pwned { # handle 2\n"
					      "\t\tdrop # handle 3\n\t}\n}\n", "ip", "t",
					      "x; add table ip pwned", block, sizeof(block)), 0);
	assert_int_equal(wr_nft_listing_count(block), 1);
}

static void test_json_lines_trusted(void **state)
{
	(void)state;
	assert_true(wr_nft_json_lines_trusted(
		"{\"nftables\": [{\"table\": {\"family\": \"ip\", \"name\": \"a\\\"b; c\"}}]}\n"));
	/* A line break in a name or a comment, escaped either way. */
	assert_false(wr_nft_json_lines_trusted("{\"nftables\": [{\"table\": {\"name\": \"t\\nchain x {\"}}]}"));
	assert_false(wr_nft_json_lines_trusted("{\"nftables\": [{\"comment\": \"a\\u000Ab\"}]}"));
	/* An escaped backslash before an n is not a line break. */
	assert_true(wr_nft_json_lines_trusted("{\"nftables\": [{\"comment\": \"a\\\\n\"}]}"));
	/* A cut or empty document is never trusted. */
	assert_false(wr_nft_json_lines_trusted("{\"nftables\": [{\"table\": {\"name\": \"t"));
	assert_false(wr_nft_json_lines_trusted("{\"nftables\": [{}"));
	assert_false(wr_nft_json_lines_trusted(""));
	assert_false(wr_nft_json_lines_trusted("}{"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_by_handle),
		cmocka_unit_test(test_comment_with_a_handle_inside),
		cmocka_unit_test(test_table_and_chain_handles_are_not_rules),
		cmocka_unit_test(test_jumps_in_order_each_once),
		cmocka_unit_test(test_chain_of_the_right_table),
		cmocka_unit_test(test_chain_names_match_whole),
		cmocka_unit_test(test_json_lines_trusted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
