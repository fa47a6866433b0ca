// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The listener set and its bounded history. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "inventory.h"

static struct wr_inventory inv;

static int setup(void **state)
{
	wr_inv_init(&inv);
	return 0;
}

static int teardown(void **state)
{
	wr_inv_free(&inv);
	return 0;
}

static struct wr_listener l4(uint32_t netns, const char *addr, uint16_t port)
{
	struct wr_listener l;

	memset(&l, 0, sizeof(l));
	l.netns = netns;
	l.family = AF_INET;
	inet_pton(AF_INET, addr, l.addr);
	l.port = port;
	return l;
}

static struct wr_listen_record rec(struct wr_listener l, bool stop, time_t at, uint32_t pid)
{
	struct wr_listen_record r = { .ts = { at, 0 }, .stop = stop, .l = l };

	r.l.pid = pid;
	strcpy(r.l.comm, "sshd");
	return r;
}

static void test_add_and_remove_same_socket(void **state)
{
	struct wr_listener a = l4(1, "0.0.0.0", 22), b = l4(1, "127.0.0.1", 22);

	assert_int_equal(wr_inv_add(&inv, &a), 0);
	assert_int_equal(wr_inv_add(&inv, &b), 0);
	assert_true(wr_inv_remove(&inv, &b));
	assert_int_equal(inv.n, 1);
	assert_true(wr_listener_same_socket(&inv.v[0], &a));
	assert_false(wr_inv_remove(&inv, &b));
}

static void test_same_socket_needs_netns_family_address_port(void **state)
{
	struct wr_listener a = l4(1, "0.0.0.0", 22), b = a;

	b.netns = 2;
	assert_false(wr_listener_same_socket(&a, &b));
	b = a;
	b.port = 23;
	assert_false(wr_listener_same_socket(&a, &b));
	b = a;
	b.family = AF_INET6;
	assert_false(wr_listener_same_socket(&a, &b));
	b = a;
	b.pid = 99;	/* the owner is not part of the identity */
	assert_true(wr_listener_same_socket(&a, &b));
}

static void test_grows_past_first_allocation(void **state)
{
	for (uint16_t p = 1; p <= 500; p++) {
		struct wr_listener l = l4(1, "0.0.0.0", p);

		assert_int_equal(wr_inv_add(&inv, &l), 0);
	}
	assert_int_equal(inv.n, 500);
	assert_int_equal(inv.v[499].port, 500);
}

static void test_replace_netns_keeps_the_others(void **state)
{
	struct wr_listener a = l4(1, "0.0.0.0", 22), b = l4(2, "0.0.0.0", 80);
	struct wr_listener fresh[2] = { l4(1, "0.0.0.0", 443), l4(1, "0.0.0.0", 8443) };

	wr_inv_add(&inv, &a);
	wr_inv_add(&inv, &b);
	assert_int_equal(wr_inv_replace_netns(&inv, 1, fresh, 2), 0);
	assert_int_equal(inv.n, 3);
	for (size_t i = 0; i < inv.n; i++)
		assert_true(inv.v[i].netns == 2 || inv.v[i].port == 443 || inv.v[i].port == 8443);
}

static void test_apply_start_then_stop(void **state)
{
	struct wr_listen_record start = rec(l4(1, "0.0.0.0", 22), false, 100, 812);
	struct wr_listen_record stop = rec(l4(1, "0.0.0.0", 22), true, 200, 812);

	wr_inv_apply(&inv, &start);
	assert_int_equal(inv.n, 1);
	assert_int_equal(inv.v[0].pid, 812);
	wr_inv_apply(&inv, &stop);
	assert_int_equal(inv.n, 0);
	assert_true(wr_inv_history(&inv, 0)->stop);
	assert_int_equal(wr_inv_history(&inv, 0)->ts.tv_sec, 200);
	assert_false(wr_inv_history(&inv, 1)->stop);
	assert_null(wr_inv_history(&inv, 2));
}

static void test_start_of_a_dumped_socket_names_its_owner(void **state)
{
	struct wr_listener dumped = l4(1, "0.0.0.0", 22);
	struct wr_listen_record start = rec(l4(1, "0.0.0.0", 22), false, 100, 812);

	dumped.inode = 5555;
	dumped.wqueue = 128;
	wr_inv_add(&inv, &dumped);
	wr_inv_apply(&inv, &start);
	assert_int_equal(inv.n, 1);
	assert_int_equal(inv.v[0].pid, 812);
	assert_string_equal(inv.v[0].comm, "sshd");
	assert_int_equal(inv.v[0].inode, 5555);
}

static void test_history_is_bounded_newest_first(void **state)
{
	for (int i = 0; i < WR_HISTORY_MAX + 10; i++) {
		struct wr_listen_record r = rec(l4(1, "0.0.0.0", 1000), i % 2, i, 1);

		wr_inv_apply(&inv, &r);
	}
	assert_int_equal(inv.hist_n, WR_HISTORY_MAX);
	assert_int_equal(wr_inv_history(&inv, 0)->ts.tv_sec, WR_HISTORY_MAX + 9);
	assert_int_equal(wr_inv_history(&inv, WR_HISTORY_MAX - 1)->ts.tv_sec, 10);
	assert_null(wr_inv_history(&inv, WR_HISTORY_MAX));
}

static void test_any_address(void **state)
{
	uint8_t zero[16] = { 0 }, lo[16] = { 0 };

	lo[15] = 1;
	assert_true(wr_addr_is_any(AF_INET, zero));
	assert_true(wr_addr_is_any(AF_INET6, zero));
	assert_false(wr_addr_is_any(AF_INET6, lo));
	assert_true(wr_addr_is_any(AF_INET, lo));	/* only the first 4 bytes count */
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* The default mode's polls: a stop keeps the owner seen while it ran, and its window. */
static void test_poll_records_stops_and_starts(void **state)
{
	struct wr_listener a = l4(1, "0.0.0.0", 22), b = l4(1, "0.0.0.0", 80);
	struct wr_listener other = l4(2, "0.0.0.0", 22), fresh[2];
	struct timespec t1 = { 101, 0 }, t2 = { 102, 0 };
	const struct wr_listen_record *h;

	a.inode = 11;
	a.pid = 500;
	a.seen.tv_sec = 100;
	strcpy(a.comm, "sshd");
	b.inode = 12;
	assert_int_equal(wr_inv_add(&inv, &a), 0);
	assert_int_equal(wr_inv_add(&inv, &other), 0);

	/* sshd still there (a dump has no owner: it is kept), nginx new. */
	fresh[0] = a;
	fresh[0].pid = 0;
	fresh[0].comm[0] = '\0';
	fresh[0].rqueue = 3;
	fresh[1] = b;
	assert_int_equal(wr_inv_poll_netns(&inv, 1, fresh, 2, &t1), 0);
	assert_int_equal(inv.n, 3);
	assert_int_equal(inv.hist_n, 1);
	h = wr_inv_history(&inv, 0);
	assert_false(h->stop);
	assert_int_equal(h->l.port, 80);
	assert_int_equal(h->after.tv_sec, 0);	/* only stops have a window */
	assert_int_equal(wr_inv_find_socket(&inv, &a)->seen.tv_sec, 101);
	assert_int_equal(wr_inv_find_socket(&inv, &a)->pid, 500);
	assert_string_equal(wr_inv_find_socket(&inv, &a)->comm, "sshd");
	assert_int_equal(wr_inv_find_socket(&inv, &a)->rqueue, 3);

	/* sshd gone: a stop between t1 and t2, named; netns 2 untouched. */
	assert_int_equal(wr_inv_poll_netns(&inv, 1, &b, 1, &t2), 0);
	assert_int_equal(inv.n, 2);
	h = wr_inv_history(&inv, 0);
	assert_true(h->stop);
	assert_int_equal(h->l.port, 22);
	assert_int_equal(h->l.pid, 500);
	assert_string_equal(h->l.comm, "sshd");
	assert_int_equal(h->ts.tv_sec, 102);
	assert_int_equal(h->after.tv_sec, 101);
	assert_non_null(wr_inv_find_socket(&inv, &other));
}

/* Restarted between two polls: same port, new socket. A stop, then a start. */
static void test_poll_sees_a_restart_by_inode(void **state)
{
	struct wr_listener a = l4(1, "0.0.0.0", 22), again;
	struct timespec t1 = { 101, 0 };

	a.inode = 11;
	a.pid = 500;
	assert_int_equal(wr_inv_add(&inv, &a), 0);
	again = a;
	again.inode = 12;
	again.pid = 600;
	assert_int_equal(wr_inv_poll_netns(&inv, 1, &again, 1, &t1), 0);
	assert_int_equal(inv.n, 1);
	assert_int_equal(inv.v[0].pid, 600);
	assert_int_equal(inv.hist_n, 2);
	assert_false(wr_inv_history(&inv, 0)->stop);
	assert_true(wr_inv_history(&inv, 1)->stop);
	assert_int_equal(wr_inv_history(&inv, 1)->l.pid, 500);
}

/* Over its limit, as sk_acceptq_is_full() says: the kernel drops SYNs there. */
static void test_full_queue(void **state)
{
	struct wr_listener a = l4(1, "0.0.0.0", 22), b = l4(1, "0.0.0.0", 7000),
			   c = l4(2, "0.0.0.0", 7001);

	a.rqueue = 3, a.wqueue = 128;	/* busy, not full */
	b.rqueue = 2, b.wqueue = 1;	/* listen(fd, 1): full at 2 */
	c.rqueue = 1, c.wqueue = 0;	/* listen(fd, 0) */
	assert_null(wr_inv_full_queue(&inv, NULL));
	wr_inv_add(&inv, &a);
	assert_null(wr_inv_full_queue(&inv, NULL));
	b.rqueue = 1;			/* at its limit: one more still fits */
	wr_inv_add(&inv, &b);
	assert_null(wr_inv_full_queue(&inv, NULL));
	inv.v[1].rqueue = 2;
	wr_inv_add(&inv, &c);
	assert_int_equal(wr_inv_full_queue(&inv, NULL)->port, 7000);
	assert_int_equal(wr_inv_full_queue(&inv, wr_inv_full_queue(&inv, NULL))->port, 7001);
	assert_null(wr_inv_full_queue(&inv, &inv.v[2]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_add_and_remove_same_socket),
		T(test_same_socket_needs_netns_family_address_port),
		T(test_grows_past_first_allocation),
		T(test_replace_netns_keeps_the_others),
		T(test_apply_start_then_stop),
		T(test_start_of_a_dumped_socket_names_its_owner),
		T(test_history_is_bounded_newest_first),
		T(test_any_address),
		T(test_poll_records_stops_and_starts),
		T(test_poll_sees_a_restart_by_inode),
		T(test_full_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
