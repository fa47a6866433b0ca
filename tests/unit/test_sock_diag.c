// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sock_diag messages as the kernel sends them for an inet_diag LISTEN dump
 * (inet_diag_msg, then INET_DIAG_SKV6ONLY for AF_INET6), parsed to listeners.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "sock_diag.h"

static long buf[4096 / sizeof(long)];
static size_t used;

static void reset(void)
{
	memset(buf, 0, sizeof(buf));
	used = 0;
}

static struct nlmsghdr *put_msg(uint16_t type, size_t payload)
{
	struct nlmsghdr *h = (struct nlmsghdr *)((char *)buf + used);

	h->nlmsg_len = NLMSG_LENGTH(payload);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_MULTI;
	used += NLMSG_ALIGN(h->nlmsg_len);
	return h;
}

/* One socket record; v6only < 0 means no INET_DIAG_SKV6ONLY attribute. */
static struct inet_diag_msg *put_socket(int family, const char *addr, uint16_t port,
					uint8_t state, uint32_t inode, uint32_t rq, uint32_t wq,
					int v6only)
{
	size_t attr = v6only >= 0 ? RTA_SPACE(1) : 0;
	struct nlmsghdr *h = put_msg(SOCK_DIAG_BY_FAMILY, NLMSG_ALIGN(sizeof(struct inet_diag_msg)) + attr);
	struct inet_diag_msg *d = NLMSG_DATA(h);

	d->idiag_family = (uint8_t)family;
	d->idiag_state = state;
	d->id.idiag_sport = htons(port);
	inet_pton(family, addr, d->id.idiag_src);
	d->idiag_inode = inode;
	d->idiag_rqueue = rq;
	d->idiag_wqueue = wq;
	if (v6only >= 0) {
		struct rtattr *a = (struct rtattr *)(d + 1);

		a->rta_type = INET_DIAG_SKV6ONLY;
		a->rta_len = RTA_LENGTH(1);
		*(uint8_t *)RTA_DATA(a) = (uint8_t)v6only;
	}
	return d;
}

static void put_done(void)
{
	put_msg(NLMSG_DONE, sizeof(int));
}

static void test_request_asks_for_tcp_listeners(void **state)
{
	char req[128];
	size_t n = wr_diag_build_request(AF_INET6, 7, req, sizeof(req));
	const struct nlmsghdr *h = (const void *)req;
	const struct inet_diag_req_v2 *r = NLMSG_DATA(h);

	assert_int_equal(n, h->nlmsg_len);
	assert_int_equal(h->nlmsg_type, SOCK_DIAG_BY_FAMILY);
	assert_int_equal(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(h->nlmsg_seq, 7);
	assert_int_equal(r->sdiag_family, AF_INET6);
	assert_int_equal(r->sdiag_protocol, IPPROTO_TCP);
	assert_int_equal(r->idiag_states, 1u << 10);
	assert_int_equal(wr_diag_build_request(AF_INET, 1, req, 8), 0);	/* too small */
}

static void test_v4_and_v6_listeners(void **state)
{
	struct wr_listener_list l = { 0 };
	uint8_t any6[16] = { 0 };

	reset();
	put_socket(AF_INET, "127.0.0.1", 5432, 10, 1111, 0, 244, -1);
	put_socket(AF_INET6, "::", 443, 10, 2222, 3, 511, 1);
	/* SO_BINDTODEVICE: sk_bound_dev_if comes as idiag_if. */
	put_socket(AF_INET6, "2001:db8::1", 80, 10, 3333, 0, 128, 0)->id.idiag_if = 7;
	put_done();
	assert_int_equal(wr_diag_parse(buf, used, 4026532300u, &l), 1);
	assert_int_equal(l.n, 3);

	assert_int_equal(l.v[0].family, AF_INET);
	assert_int_equal(l.v[0].port, 5432);
	assert_memory_equal(l.v[0].addr, "\x7f\0\0\x01", 4);
	assert_int_equal(l.v[0].inode, 1111);
	assert_int_equal(l.v[0].wqueue, 244);
	assert_int_equal(l.v[0].netns, 4026532300u);
	assert_false(l.v[0].v6only);

	assert_int_equal(l.v[1].family, AF_INET6);
	assert_memory_equal(l.v[1].addr, any6, 16);
	assert_true(l.v[1].v6only);
	assert_int_equal(l.v[1].rqueue, 3);
	assert_int_equal(l.v[1].wqueue, 511);

	assert_false(l.v[2].v6only);
	assert_int_equal(l.v[2].addr[15], 1);
	assert_int_equal(l.v[2].bound_ifindex, 7);
	assert_int_equal(l.v[1].bound_ifindex, 0);
	wr_listener_list_free(&l);
}

static void test_dump_in_several_reads(void **state)
{
	struct wr_listener_list l = { 0 };

	reset();
	put_socket(AF_INET, "0.0.0.0", 22, 10, 1, 0, 128, -1);
	assert_int_equal(wr_diag_parse(buf, used, 1, &l), 0);	/* more to come */
	reset();
	put_socket(AF_INET, "0.0.0.0", 80, 10, 2, 0, 128, -1);
	put_done();
	assert_int_equal(wr_diag_parse(buf, used, 1, &l), 1);
	assert_int_equal(l.n, 2);
	wr_listener_list_free(&l);
}

static void test_other_states_and_families_are_skipped(void **state)
{
	struct wr_listener_list l = { 0 };

	reset();
	put_socket(AF_INET, "192.0.2.1", 22, 1 /* ESTABLISHED */, 1, 0, 0, -1);
	put_socket(AF_UNIX, "0.0.0.0", 0, 10, 2, 0, 0, -1);
	put_done();
	assert_int_equal(wr_diag_parse(buf, used, 1, &l), 1);
	assert_int_equal(l.n, 0);
	wr_listener_list_free(&l);
}

static void test_kernel_error_is_returned(void **state)
{
	struct wr_listener_list l = { 0 };
	struct nlmsghdr *h;

	reset();
	h = put_msg(NLMSG_ERROR, sizeof(struct nlmsgerr));
	((struct nlmsgerr *)NLMSG_DATA(h))->error = -EPERM;
	assert_int_equal(wr_diag_parse(buf, used, 1, &l), -EPERM);
	wr_listener_list_free(&l);
}

static void test_truncated_messages_are_rejected(void **state)
{
	struct wr_listener_list l = { 0 };
	struct nlmsghdr *h;

	reset();
	h = put_msg(SOCK_DIAG_BY_FAMILY, 8);	/* shorter than inet_diag_msg */
	(void)h;
	assert_int_equal(wr_diag_parse(buf, used, 1, &l), -EBADMSG);
	reset();
	put_socket(AF_INET, "0.0.0.0", 22, 10, 1, 0, 128, -1);
	/* A length that runs past what was received. */
	assert_int_equal(wr_diag_parse(buf, used - 4, 1, &l), -EBADMSG);
	assert_int_equal(l.n, 0);
	wr_listener_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_asks_for_tcp_listeners),
		cmocka_unit_test(test_v4_and_v6_listeners),
		cmocka_unit_test(test_dump_in_several_reads),
		cmocka_unit_test(test_other_states_and_families_are_skipped),
		cmocka_unit_test(test_kernel_error_is_returned),
		cmocka_unit_test(test_truncated_messages_are_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
