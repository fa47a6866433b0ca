// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Names in hints that show a command, quoted as a shell reads them back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shell_quote.h"

static void test_plain_names_stay(void **state)
{
	char b[WR_QUOTED_LEN];

	(void)state;
	assert_string_equal(wr_shell_quote("f2b-sshd", b, sizeof(b)), "f2b-sshd");
	assert_string_equal(wr_shell_quote("ssh.service", b, sizeof(b)), "ssh.service");
	assert_string_equal(wr_shell_quote("KUBE-SVC-ABC_1", b, sizeof(b)), "KUBE-SVC-ABC_1");
}

static void test_hostile_names_one_word(void **state)
{
	char b[WR_QUOTED_LEN];

	(void)state;
	assert_string_equal(wr_shell_quote("x; add table ip pwned", b, sizeof(b)),
			    "'x; add table ip pwned'");
	assert_string_equal(wr_shell_quote("$(reboot)", b, sizeof(b)), "'$(reboot)'");
	assert_string_equal(wr_shell_quote("a'b", b, sizeof(b)), "'a'\\''b'");
	assert_string_equal(wr_shell_quote("-Z", b, sizeof(b)), "'-Z'");
	assert_string_equal(wr_shell_quote("a\nb", b, sizeof(b)), "'a\nb'");
	assert_string_equal(wr_shell_quote("", b, sizeof(b)), "''");
	assert_string_equal(wr_shell_quote("`id`", b, sizeof(b)), "'`id`'");
}

static void test_longest_name_fits(void **state)
{
	char name[256], b[WR_QUOTED_LEN];

	(void)state;
	memset(name, '\'', 255);
	name[255] = '\0';
	wr_shell_quote(name, b, sizeof(b));
	assert_int_equal(strlen(b), 2 + 4 * 255);
	assert_int_equal(b[strlen(b) - 1], '\'');
}

static void test_cut_is_still_closed(void **state)
{
	char b[12];

	(void)state;
	wr_shell_quote("a b c d e f g h i j", b, sizeof(b));
	assert_string_equal(b, "'a b c ...'");
	wr_shell_quote("''''''", b, sizeof(b));
	/* Never half of '\'' : the word stays closed. */
	assert_string_equal(b, "''\\''...'");
	wr_shell_quote("abcdefghijklmnop", b, sizeof(b));
	assert_string_equal(b, "'abcdef...'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_names_stay),
		cmocka_unit_test(test_hostile_names_one_word),
		cmocka_unit_test(test_longest_name_fits),
		cmocka_unit_test(test_cut_is_still_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
