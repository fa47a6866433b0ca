// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* NAT from a conntrack entry's tuples, and the sentence that says it. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nat.h"

static struct wr_ct_entry entry(int family, const char *orig_daddr, uint16_t orig_dport,
				const char *reply_saddr, uint16_t reply_sport)
{
	struct wr_ct_entry e = { .family = family, .orig_dport = orig_dport,
				 .reply_sport = reply_sport };

	assert_int_equal(inet_pton(family, orig_daddr, e.orig_daddr), 1);
	assert_int_equal(inet_pton(family, reply_saddr, e.reply_saddr), 1);
	return e;
}

static void test_dnat_to_a_container(void **state)
{
	struct wr_refusal r = { .family = AF_INET };
	struct wr_ct_entry e = entry(AF_INET, "192.0.2.1", 8080, "203.0.113.5", 80);

	assert_true(wr_nat_from_entry(&e, 4026532389u, &r));
	assert_true(r.nat.found);
	assert_string_equal(r.nat.daddr, "192.0.2.1");
	assert_int_equal(r.nat.dport, 8080);
	assert_string_equal(r.nat.to_daddr, "203.0.113.5");
	assert_int_equal(r.nat.to_dport, 80);
	assert_int_equal(r.nat.netns, 4026532389u);
	wr_nat_told(&r, "netns 4026532389 (/run/netns/host)", "container web (podman), netns 7");
	assert_string_equal(r.nat.told, "the client dialled "
			    "192.0.2.1:8080 and DNAT in netns 4026532389 (/run/netns/host) sent it "
			    "to 203.0.113.5:80 in container web (podman), netns 7");
}

static void test_redirect_and_v6(void **state)
{
	struct wr_refusal r = { .family = AF_INET6 };
	/* REDIRECT: same address, another port. */
	struct wr_ct_entry e = entry(AF_INET6, "2001:db8::1", 80, "2001:db8::1", 8080);

	assert_true(wr_nat_from_entry(&e, 1, &r));
	wr_nat_told(&r, "this network namespace", NULL);
	assert_non_null(strstr(r.nat.told, "the client dialled [2001:db8::1]:80 and DNAT in this "
				  "network namespace sent it to [2001:db8::1]:8080"));
}

static void test_tracked_not_translated(void **state)
{
	struct wr_refusal r = { .family = AF_INET };
	struct wr_ct_entry e = entry(AF_INET, "203.0.113.5", 80, "203.0.113.5", 80);

	assert_false(wr_nat_from_entry(&e, 1, &r));
	assert_false(r.nat.found);
	wr_nat_told(&r, "x", NULL);
	assert_string_equal(r.nat.told, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dnat_to_a_container),
		cmocka_unit_test(test_redirect_and_v6),
		cmocka_unit_test(test_tracked_not_translated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
