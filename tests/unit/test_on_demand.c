// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Hooks attached on evidence: what to attach, when it goes, which events it watched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "on_demand.h"

#define MS(x)	((uint64_t)(x) * 1000000ULL)	/* ms on the event clock, ns */

static void test_blocked_attaches_replies_for_a_while(void **state)
{
	struct wr_on_demand od = { .avail = WR_OD_REPLIES | WR_OD_BACKLOG };

	(void)state;
	assert_int_equal(wr_od_want(&od, WR_OD_REPLIES, 1000), WR_OD_REPLIES);
	wr_od_attached(&od, WR_OD_REPLIES, 1000, MS(1000));
	/* More evidence while on: nothing to attach, the deadline moves. */
	assert_int_equal(wr_od_want(&od, WR_OD_REPLIES, 61000), 0);
	assert_int_equal(wr_od_expired(&od, 1000 + WR_ON_DEMAND_MS), 0);
	assert_int_equal(wr_od_expired(&od, 61000 + WR_ON_DEMAND_MS), WR_OD_REPLIES);
	wr_od_detached(&od, WR_OD_REPLIES, 61000 + WR_ON_DEMAND_MS, MS(61000 + WR_ON_DEMAND_MS));
	assert_int_equal(od.on, 0);
	assert_int_equal(wr_od_seconds(&od, WR_OD_REPLIES, 500000), 60 + WR_ON_DEMAND_MS / 1000);
	assert_int_equal(od.attached[0], 1);
	/* Events are judged by their own time, read before or after a change. */
	assert_false(wr_od_replies_watched(&od, MS(999)));
	assert_true(wr_od_replies_watched(&od, MS(1000)));
	assert_true(wr_od_replies_watched(&od, MS(61000 + WR_ON_DEMAND_MS) - 1));
	assert_false(wr_od_replies_watched(&od, MS(61000 + WR_ON_DEMAND_MS)));
}

static void test_backlog_needs_replies(void **state)
{
	struct wr_on_demand od = { .avail = WR_OD_REPLIES | WR_OD_BACKLOG };

	(void)state;
	assert_int_equal(wr_od_want(&od, WR_OD_BACKLOG, 0), WR_OD_REPLIES | WR_OD_BACKLOG);
	wr_od_attached(&od, WR_OD_REPLIES | WR_OD_BACKLOG, 0, 0);
	/* Replies' own evidence ends earlier: they still stay while backlog is on. */
	assert_int_equal(wr_od_want(&od, WR_OD_BACKLOG, 50000), 0);
	assert_int_equal(wr_od_expired(&od, 50000 + WR_ON_DEMAND_MS - 1), 0);
	assert_int_equal(wr_od_expired(&od, 50000 + WR_ON_DEMAND_MS),
			 WR_OD_REPLIES | WR_OD_BACKLOG);
	assert_int_equal(wr_od_seconds(&od, WR_OD_BACKLOG, 30000), 30);
}

/* Function hooks (fentry, kprobe) see a full queue themselves: replies stay off. */
static void test_backlog_function_hooks_alone(void **state)
{
	struct wr_on_demand od = { .avail = WR_OD_REPLIES | WR_OD_BACKLOG, .backlog_alone = true };

	(void)state;
	assert_int_equal(wr_od_want(&od, WR_OD_BACKLOG, 0), WR_OD_BACKLOG);
	wr_od_attached(&od, WR_OD_BACKLOG, 0, 0);
	assert_false(wr_od_replies_watched(&od, MS(1)));
	/* A firewall's evidence later: replies for their own window only. */
	assert_int_equal(wr_od_want(&od, WR_OD_REPLIES, 1000), WR_OD_REPLIES);
	wr_od_attached(&od, WR_OD_REPLIES, 1000, MS(1000));
	assert_int_equal(wr_od_want(&od, WR_OD_BACKLOG, 50000), 0);
	assert_int_equal(wr_od_expired(&od, 1000 + WR_ON_DEMAND_MS), WR_OD_REPLIES);
	assert_int_equal(wr_od_expired(&od, 50000 + WR_ON_DEMAND_MS),
			 WR_OD_REPLIES | WR_OD_BACKLOG);
}

static void test_window_is_configurable(void **state)
{
	struct wr_on_demand od = { .avail = WR_OD_REPLIES, .window_ms = 5000 };

	(void)state;
	wr_od_attached(&od, wr_od_want(&od, WR_OD_REPLIES, 100), 100, MS(100));
	assert_int_equal(wr_od_expired(&od, 5099), 0);
	assert_int_equal(wr_od_expired(&od, 5100), WR_OD_REPLIES);
}

static void test_only_what_the_kernel_has(void **state)
{
	struct wr_on_demand od = { .avail = WR_OD_REPLIES };	/* no consume_skb */
	struct wr_on_demand none = { 0 };	/* --all-hooks: everything is on already */

	(void)state;
	assert_int_equal(wr_od_want(&od, WR_OD_BACKLOG, 0), WR_OD_REPLIES);
	assert_int_equal(wr_od_want(&none, WR_OD_REPLIES | WR_OD_BACKLOG, 0), 0);
	assert_false(wr_od_replies_watched(&none, 5));
	assert_int_equal(wr_od_expired(&none, UINT64_MAX), 0);
}

static void test_many_periods_keep_the_latest(void **state)
{
	struct wr_on_demand od = { .avail = WR_OD_REPLIES };
	uint64_t t = 0;

	(void)state;
	for (int i = 0; i < 3 * WR_OD_WATCHED_MAX; i++, t += 10 * WR_ON_DEMAND_MS) {
		wr_od_attached(&od, wr_od_want(&od, WR_OD_REPLIES, t), t, MS(t));
		wr_od_detached(&od, wr_od_expired(&od, t + WR_ON_DEMAND_MS), t + WR_ON_DEMAND_MS,
			       MS(t + WR_ON_DEMAND_MS));
	}
	assert_int_equal(od.n_watched, WR_OD_WATCHED_MAX);
	assert_int_equal(od.attached[0], 3 * WR_OD_WATCHED_MAX);
	t -= 10 * WR_ON_DEMAND_MS;	/* the last period */
	assert_true(wr_od_replies_watched(&od, MS(t + 1)));
	assert_false(wr_od_replies_watched(&od, MS(t + WR_ON_DEMAND_MS + 1)));
	assert_false(wr_od_replies_watched(&od, MS(1)));	/* the first: forgotten */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocked_attaches_replies_for_a_while),
		cmocka_unit_test(test_backlog_needs_replies),
		cmocka_unit_test(test_backlog_function_hooks_alone),
		cmocka_unit_test(test_window_is_configurable),
		cmocka_unit_test(test_only_what_the_kernel_has),
		cmocka_unit_test(test_many_periods_keep_the_latest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
