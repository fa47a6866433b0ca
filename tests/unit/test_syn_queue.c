// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A listener's SYN queue: its overflow told from TCPReqQFullDrop / TCPReqQFullDoCookies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "syn_queue.h"

static void listen_drop(struct wr_refusal *r)
{
	memset(r, 0, sizeof(*r));
	r->cause = WR_CAUSE_OTHER_DROP;
	r->reason = "LISTEN_DROP";
	strcpy(r->explanation, "a listener took the SYN but sent no SYN-ACK");
}

static void test_drops_name_the_syn_queue(void **state)
{
	struct wr_refusal r;

	listen_drop(&r);
	wr_syn_queue_count(&r, 3, 0, 0, false);
	wr_syn_queue_words(&r);
	assert_string_equal(r.reason, "SYN_QUEUE_FULL");
	assert_non_null(strstr(r.explanation, "SYN queue is full and syncookies are off "
				"(net.ipv4.tcp_syncookies = 0)"));
	assert_int_equal(r.n_hints, 1);
	assert_non_null(strstr(r.hints[0], "TCPReqQFullDrop rose by 3 since the last look"));
	assert_true(r.syn_queue.looked);
	assert_int_equal(r.syn_queue.drops, 3);
}

static void test_nothing_moved_changes_nothing(void **state)
{
	struct wr_refusal r;

	listen_drop(&r);
	wr_syn_queue_count(&r, 0, 0, 1, true);
	wr_syn_queue_words(&r);
	assert_string_equal(r.reason, "LISTEN_DROP");
	assert_string_equal(r.explanation, "a listener took the SYN but sent no SYN-ACK");
	assert_int_equal(r.n_hints, 0);
	/* A counter that went back (a slot reused) is no growth. */
	wr_syn_queue_count(&r, -5, -1, 1, false);
	wr_syn_queue_words(&r);
	assert_int_equal(r.syn_queue.drops, 0);
	assert_int_equal(r.n_hints, 0);
}

static void test_cookies_on_a_full_accept_queue(void **state)
{
	struct wr_refusal r;

	memset(&r, 0, sizeof(r));
	r.cause = WR_CAUSE_BACKLOG_FULL;
	r.reason = "LISTEN_OVERFLOW";
	wr_syn_queue_count(&r, 2, 7, 1, true);
	wr_syn_queue_words(&r);
	assert_string_equal(r.reason, "LISTEN_OVERFLOW");	/* backlog_full stays */
	assert_int_equal(r.n_hints, 1);
	assert_non_null(strstr(r.hints[0], "TCPReqQFullDoCookies rose by 7 in this network "
				"namespace so far"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drops_name_the_syn_queue),
		cmocka_unit_test(test_nothing_moved_changes_nothing),
		cmocka_unit_test(test_cookies_on_a_full_accept_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
