// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The main loop's timer (timer.h): on time, in phase, no catch-up burst. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "timer.h"

static void test_due_in_phase(void **state)
{
	struct wr_timer tm = { .every_ms = 1000, .due_ms = 1000 };

	assert_false(wr_timer_due(&tm, 999));
	assert_true(wr_timer_due(&tm, 1050));	/* a turn late: the next stays at 2000 */
	assert_int_equal(tm.due_ms, 2000);
	assert_false(wr_timer_due(&tm, 1999));
	assert_true(wr_timer_due(&tm, 2000));
	assert_int_equal(tm.due_ms, 3000);
}

static void test_stall_runs_once(void **state)
{
	struct wr_timer tm = { .every_ms = 1000, .due_ms = 1000 };

	assert_true(wr_timer_due(&tm, 5500));	/* four intervals missed: one run */
	assert_int_equal(tm.due_ms, 6500);
	assert_false(wr_timer_due(&tm, 5600));
}

static void test_every_turn_and_never(void **state)
{
	struct wr_timer each = { .every_ms = 0, .due_ms = 10 };
	struct wr_timer never = { .every_ms = 1000, .due_ms = UINT64_MAX };

	assert_true(wr_timer_due(&each, 10));
	assert_true(wr_timer_due(&each, 10));
	assert_true(wr_timer_due(&each, 11));
	assert_false(wr_timer_due(&never, UINT64_MAX - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_in_phase),
		cmocka_unit_test(test_stall_runs_once),
		cmocka_unit_test(test_every_turn_and_never),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
