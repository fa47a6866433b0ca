// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* JSON writer: structure, numbers, and escaping of hostile strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "json_check.h"
#include "json_writer.h"

static char *escaped(const char *s, size_t n)
{
	static char out[512];
	struct jw w;

	jw_init(&w);
	jw_string_n(&w, s, n);
	assert_non_null(jw_result(&w));
	snprintf(out, sizeof(out), "%s", jw_result(&w));
	jw_free(&w);
	return out;
}

#define ESC(lit) escaped(lit, sizeof(lit) - 1)

static void test_object_with_every_type(void **state)
{
	struct jw w;

	jw_init(&w);
	jw_object_begin(&w);
	jw_field_string(&w, "s", "x");
	jw_field_uint(&w, "u", UINT64_MAX);
	jw_field_int(&w, "i", -5);
	jw_field_bool(&w, "t", true);
	jw_key(&w, "n");
	jw_null(&w);
	jw_key(&w, "a");
	jw_array_begin(&w);
	jw_string(&w, "p");
	jw_uint(&w, 1);
	jw_array_begin(&w);
	jw_array_end(&w);
	jw_array_end(&w);
	jw_key(&w, "o");
	jw_object_begin(&w);
	jw_object_end(&w);
	jw_object_end(&w);
	assert_string_equal(jw_result(&w),
			    "{\"s\":\"x\",\"u\":18446744073709551615,\"i\":-5,\"t\":true,"
			    "\"n\":null,\"a\":[\"p\",1,[]],\"o\":{}}");
	jw_free(&w);
}

static void test_reset_reuses_the_buffer(void **state)
{
	struct jw w;

	jw_init(&w);
	jw_object_begin(&w);
	jw_field_uint(&w, "a", 1);
	jw_object_end(&w);
	jw_reset(&w);
	jw_object_begin(&w);
	jw_field_uint(&w, "b", 2);
	jw_object_end(&w);
	assert_string_equal(jw_result(&w), "{\"b\":2}");
	jw_free(&w);
}

static void test_quotes_backslashes_and_short_escapes(void **state)
{
	assert_string_equal(ESC("a\"b\\c"), "\"a\\\"b\\\\c\"");
	assert_string_equal(ESC("l1\nl2\r\t\b\f"), "\"l1\\nl2\\r\\t\\b\\f\"");
}

static void test_every_control_byte_is_escaped(void **state)
{
	char in[1];
	char want[16];
	int c;

	for (c = 0; c < 0x20; c++) {
		in[0] = (char)c;
		if (strchr("\n\r\t\b\f", c) && c)
			continue;
		snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		assert_string_equal(escaped(in, 1), want);
	}
	assert_string_equal(ESC("\x7f"), "\"\\u007f\"");
}

static void test_nul_inside_a_string_does_not_end_it(void **state)
{
	assert_string_equal(ESC("a\0b"), "\"a\\u0000b\"");
}

static void test_valid_utf8_passes_through(void **state)
{
	/* é (2 bytes), € (3), 𝄞 (4) */
	assert_string_equal(ESC("\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e"),
			    "\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\"");
}

static void test_invalid_utf8_becomes_replacement(void **state)
{
	assert_string_equal(ESC("\x80"), "\"\\ufffd\"");		/* lone continuation */
	assert_string_equal(ESC("\xc0\xaf"), "\"\\ufffd\\ufffd\"");	/* overlong '/' */
	assert_string_equal(ESC("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong */
	assert_string_equal(ESC("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	assert_string_equal(ESC("\xf4\x90\x80\x80"),
			    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");		/* > U+10FFFF */
	assert_string_equal(ESC("\xff"), "\"\\ufffd\"");
	assert_string_equal(ESC("a\xe2\x82"), "\"a\\ufffd\\ufffd\"");	/* truncated */
	assert_string_equal(ESC("\xc3\"x"), "\"\\ufffd\\\"x\"");	/* quote not eaten */
}

/*
 * Valid characters that drive a terminal (C1 controls; U+009B is CSI) or
 * reorder what it shows (bidi controls), and the line separators: escaped,
 * which a JSON reader decodes to the same string, so that `tail -f` of the
 * file on a terminal shows them as text.
 */
static void test_terminal_controls_are_escaped(void **state)
{
	assert_string_equal(ESC("\xc2\x9b" "31m"), "\"\\u009b31m\"");
	assert_string_equal(ESC("\xc2\x80\xc2\x9f\xc2\xa0"), "\"\\u0080\\u009f\xc2\xa0\"");
	assert_string_equal(ESC("x\xe2\x80\xaey"), "\"x\\u202ey\"");
	assert_string_equal(ESC("\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9"),
			    "\"\\u202a\\u2066\\u2069\"");
	assert_string_equal(ESC("\xe2\x80\xa8\xe2\x80\xa9"), "\"\\u2028\\u2029\"");
	assert_string_equal(ESC("\xe2\x80\xaf\xe2\x81\xaa"), "\"\xe2\x80\xaf\xe2\x81\xaa\"");
}

static void test_keys_are_escaped_too(void **state)
{
	struct jw w;

	jw_init(&w);
	jw_object_begin(&w);
	jw_field_string(&w, "k\"\n", "v");
	jw_object_end(&w);
	assert_string_equal(jw_result(&w), "{\"k\\\"\\n\":\"v\"}");
	jw_free(&w);
}

static void test_misuse_voids_the_record(void **state)
{
	struct jw w;

	jw_init(&w);
	jw_object_end(&w);
	assert_null(jw_result(&w));
	jw_free(&w);

	jw_init(&w);
	jw_object_begin(&w);
	assert_null(jw_result(&w));	/* unclosed */
	jw_key(&w, "dangling");
	jw_object_end(&w);
	assert_null(jw_result(&w));	/* key without value */
	jw_free(&w);
}

static void test_too_deep_is_refused(void **state)
{
	struct jw w;
	int i;

	jw_init(&w);
	for (i = 0; i < JW_MAX_DEPTH + 2; i++)
		jw_array_begin(&w);
	for (i = 0; i < JW_MAX_DEPTH + 2; i++)
		jw_array_end(&w);
	assert_null(jw_result(&w));
	jw_free(&w);
}

static void test_long_strings_grow_the_buffer(void **state)
{
	char big[5000];
	struct jw w;

	memset(big, '"', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	jw_init(&w);
	jw_string(&w, big);
	assert_non_null(jw_result(&w));
	assert_int_equal(strlen(jw_result(&w)), 2 * (sizeof(big) - 1) + 2);
	jw_free(&w);
}

static void test_empty_record_is_empty_string(void **state)
{
	struct jw w;

	jw_init(&w);
	assert_string_equal(jw_result(&w), "");
	jw_free(&w);
}

/* The fuzzer's oracle must be able to fail: it rejects what a broken writer makes. */
static void test_checker_rejects_broken_json(void **state)
{
	static const char *const bad[] = {
		"{\"a\":\"x\ny\"}", "{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}",
		"{\"a\":\"\xed\xa0\x80\"}", "{\"a\":1,}", "{\"a\":\"\\q\"}", "{\"a\":01}",
		"{\"a\":\"x\"} {}", "{\"a\":\"\\u12\"}", "[\"\x1b\"]", "",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(json_check(bad[i], strlen(bad[i])));
	const char *good = "{\"a\":[1,-2.5e3,true,null,\"\xc3\xa9\\u0000\"]}";

	assert_true(json_check(good, strlen(good)));
}

/* Names as hostile as the kernel allows, through the writer, come out strict JSON. */
static void test_hostile_names_stay_one_line_of_json(void **state)
{
	static const char nasty[][24] = {
		"a\"b\\c", "line\nbreak", "\x1b[31mred", "\xff\xfe\xc0\xaf", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "tab\tcr\r\x7f", "\xe2\x80\xa8sep",
	};
	struct jw w;
	const char *r;

	jw_init(&w);
	jw_object_begin(&w);
	for (size_t i = 0; i < sizeof(nasty) / sizeof(nasty[0]); i++) {
		jw_key(&w, nasty[i]);
		jw_string(&w, nasty[i]);
	}
	jw_object_end(&w);
	r = jw_result(&w);
	assert_non_null(r);
	assert_null(strchr(r, '\n'));
	assert_true(json_check(r, strlen(r)));
	jw_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_with_every_type),
		cmocka_unit_test(test_checker_rejects_broken_json),
		cmocka_unit_test(test_hostile_names_stay_one_line_of_json),
		cmocka_unit_test(test_reset_reuses_the_buffer),
		cmocka_unit_test(test_quotes_backslashes_and_short_escapes),
		cmocka_unit_test(test_every_control_byte_is_escaped),
		cmocka_unit_test(test_nul_inside_a_string_does_not_end_it),
		cmocka_unit_test(test_valid_utf8_passes_through),
		cmocka_unit_test(test_invalid_utf8_becomes_replacement),
		cmocka_unit_test(test_terminal_controls_are_escaped),
		cmocka_unit_test(test_keys_are_escaped_too),
		cmocka_unit_test(test_misuse_voids_the_record),
		cmocka_unit_test(test_too_deep_is_refused),
		cmocka_unit_test(test_long_strings_grow_the_buffer),
		cmocka_unit_test(test_empty_record_is_empty_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
