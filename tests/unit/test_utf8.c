// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The one UTF-8 reader of the outputs: what is a character, what drives a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

/* Length of the character at the start of a literal, and its code point. */
static size_t next(const char *lit, size_t n, uint32_t *cp)
{
	*cp = 0xdeadbeef;
	return wr_utf8_next(lit, n, cp);
}

#define NEXT(lit, cp) next(lit, sizeof(lit) - 1, cp)

static void test_valid_characters_and_their_code_points(void **state)
{
	uint32_t cp;

	assert_int_equal(NEXT("a", &cp), 1);
	assert_int_equal(cp, 'a');
	assert_int_equal(NEXT("\x7f", &cp), 1);
	assert_int_equal(cp, 0x7f);
	/* The first and last code point of each length. */
	assert_int_equal(NEXT("\xc2\x80", &cp), 2);
	assert_int_equal(cp, 0x80);
	assert_int_equal(NEXT("\xdf\xbf", &cp), 2);
	assert_int_equal(cp, 0x7ff);
	assert_int_equal(NEXT("\xe0\xa0\x80", &cp), 3);
	assert_int_equal(cp, 0x800);
	assert_int_equal(NEXT("\xef\xbf\xbf", &cp), 3);
	assert_int_equal(cp, 0xffff);
	assert_int_equal(NEXT("\xf0\x90\x80\x80", &cp), 4);
	assert_int_equal(cp, 0x10000);
	assert_int_equal(NEXT("\xf4\x8f\xbf\xbf", &cp), 4);
	assert_int_equal(cp, 0x10ffff);
	/* Around the surrogates: U+D7FF and U+E000 are characters. */
	assert_int_equal(NEXT("\xed\x9f\xbf", &cp), 3);
	assert_int_equal(cp, 0xd7ff);
	assert_int_equal(NEXT("\xee\x80\x80", &cp), 3);
	assert_int_equal(cp, 0xe000);
	/* Only the first character is read. */
	assert_int_equal(NEXT("\xc3\xa9t\xc3\xa9", &cp), 2);
	assert_int_equal(cp, 0xe9);
}

static void test_overlong_forms_are_invalid(void **state)
{
	uint32_t cp;

	assert_int_equal(NEXT("\xc0\xaf", &cp), 0);		/* '/' in two bytes */
	assert_int_equal(NEXT("\xc1\xbf", &cp), 0);
	assert_int_equal(NEXT("\xe0\x80\xaf", &cp), 0);		/* in three */
	assert_int_equal(NEXT("\xe0\x9f\xbf", &cp), 0);		/* U+07FF in three */
	assert_int_equal(NEXT("\xf0\x80\x80\xaf", &cp), 0);	/* in four */
	assert_int_equal(NEXT("\xf0\x8f\xbf\xbf", &cp), 0);	/* U+FFFF in four */
}

static void test_surrogates_are_invalid(void **state)
{
	uint32_t cp;

	assert_int_equal(NEXT("\xed\xa0\x80", &cp), 0);		/* U+D800 */
	assert_int_equal(NEXT("\xed\xbf\xbf", &cp), 0);		/* U+DFFF */
	assert_int_equal(NEXT("\xed\xa0\xbd\xed\xb2\xa9", &cp), 0);	/* a CESU-8 pair */
}

static void test_past_u10ffff_is_invalid(void **state)
{
	uint32_t cp;

	assert_int_equal(NEXT("\xf4\x90\x80\x80", &cp), 0);	/* U+110000 */
	assert_int_equal(NEXT("\xf5\x80\x80\x80", &cp), 0);
	assert_int_equal(NEXT("\xf7\xbf\xbf\xbf", &cp), 0);
	assert_int_equal(NEXT("\xf8\x88\x80\x80\x80", &cp), 0);	/* old 5-byte form */
	assert_int_equal(NEXT("\xfc\x84\x80\x80\x80\x80", &cp), 0);	/* old 6-byte form */
	assert_int_equal(NEXT("\xfe", &cp), 0);
	assert_int_equal(NEXT("\xff", &cp), 0);
}

static void test_truncated_and_stray_bytes_are_invalid(void **state)
{
	uint32_t cp;

	assert_int_equal(NEXT("\xc3", &cp), 0);			/* the input ends */
	assert_int_equal(NEXT("\xe2\x82", &cp), 0);
	assert_int_equal(NEXT("\xf0\x9f\x92", &cp), 0);
	assert_int_equal(NEXT("\xe2\x82" "a", &cp), 0);		/* a byte that continues none */
	assert_int_equal(NEXT("\xf0\x9f\x92\xc3\xa9", &cp), 0);
	assert_int_equal(NEXT("\x80", &cp), 0);			/* a continuation alone */
	assert_int_equal(NEXT("\xbf\xbf", &cp), 0);
	/* n bounds the read: a whole character beyond it does not count. */
	assert_int_equal(wr_utf8_next("\xe2\x82\xac", 2, &cp), 0);
	assert_int_equal(wr_utf8_next("\xe2\x82\xac", 0, &cp), 0);
}

static void test_terminal_controls(void **state)
{
	/* C0, DEL, C1: U+009B is CSI, U+009D OSC. */
	assert_true(wr_utf8_is_control(0x00));
	assert_true(wr_utf8_is_control(0x1b));
	assert_true(wr_utf8_is_control(0x1f));
	assert_true(wr_utf8_is_control(0x7f));
	assert_true(wr_utf8_is_control(0x80));
	assert_true(wr_utf8_is_control(0x9b));
	assert_true(wr_utf8_is_control(0x9f));
	assert_false(wr_utf8_is_control(0x20));
	assert_false(wr_utf8_is_control('~'));
	assert_false(wr_utf8_is_control(0xa0));
	assert_false(wr_utf8_is_control(0xe9));
	/* Bidi embeddings and overrides, isolates; line and paragraph separators. */
	for (uint32_t cp = 0x202a; cp <= 0x202e; cp++)
		assert_true(wr_utf8_is_control(cp));
	for (uint32_t cp = 0x2066; cp <= 0x2069; cp++)
		assert_true(wr_utf8_is_control(cp));
	assert_true(wr_utf8_is_control(0x2028));
	assert_true(wr_utf8_is_control(0x2029));
	assert_false(wr_utf8_is_control(0x2027));
	assert_false(wr_utf8_is_control(0x202f));
	assert_false(wr_utf8_is_control(0x2065));
	assert_false(wr_utf8_is_control(0x206a));
	assert_false(wr_utf8_is_control(0x10ffff));
}

/* A C1 control and an override, read as characters then classified. */
static void test_c1_and_bidi_read_from_bytes(void **state)
{
	uint32_t cp;

	assert_int_equal(NEXT("\xc2\x9b", &cp), 2);
	assert_true(wr_utf8_is_control(cp));
	assert_int_equal(NEXT("\xe2\x80\xae", &cp), 3);
	assert_int_equal(cp, 0x202e);
	assert_true(wr_utf8_is_control(cp));
	assert_int_equal(NEXT("\xe2\x81\xa9", &cp), 3);
	assert_true(wr_utf8_is_control(cp));
	assert_int_equal(NEXT("\xc2\xa0", &cp), 2);
	assert_false(wr_utf8_is_control(cp));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_characters_and_their_code_points),
		cmocka_unit_test(test_overlong_forms_are_invalid),
		cmocka_unit_test(test_surrogates_are_invalid),
		cmocka_unit_test(test_past_u10ffff_is_invalid),
		cmocka_unit_test(test_truncated_and_stray_bytes_are_invalid),
		cmocka_unit_test(test_terminal_controls),
		cmocka_unit_test(test_c1_and_bidi_read_from_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
