// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A TPROXY rule's port, and the drop it causes told as the missing transparent socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "tproxy.h"
#include "verdict.h"

static void test_iptables_on_port(void **state)
{
	uint16_t port = 0;

	assert_true(wr_tproxy_port("-A PREROUTING -p tcp -m tcp --dport 8080 -j TPROXY --on-port "
				   "9999 --on-ip 0.0.0.0 --tproxy-mark 0x1/0x1", 8080, &port));
	assert_int_equal(port, 9999);
	/* No --on-port: the SYN's own port. */
	assert_true(wr_tproxy_port("-A PREROUTING -p tcp -j TPROXY --tproxy-mark 0x1", 443, &port));
	assert_int_equal(port, 443);
	assert_false(wr_tproxy_port("-A INPUT -p tcp --dport 22 -j DROP", 22, &port));
	assert_false(wr_tproxy_port("-A INPUT -m comment --comment \"not TPROXYed\" -j DROP", 22,
				    &port));
	assert_false(wr_tproxy_port("-A X -j TPROXY --on-port 70000", 22, &port));
	assert_false(wr_tproxy_port("-A  TPROXY --on-port", 22, &port));	/* fuzz_tproxy */
}

static void test_nft_tproxy_to(void **state)
{
	uint16_t port = 0;

	assert_true(wr_tproxy_port("tcp dport 8080 tproxy to :9999 meta mark set 0x1", 8080, &port));
	assert_int_equal(port, 9999);
	assert_true(wr_tproxy_port("tcp dport 80 tproxy ip to 192.0.2.1:3128", 80, &port));
	assert_int_equal(port, 3128);
	assert_true(wr_tproxy_port("tcp dport 80 tproxy ip6 to [2001:db8::1]:3129", 80, &port));
	assert_int_equal(port, 3129);
	assert_true(wr_tproxy_port("tcp dport 80 tproxy ip6 to 2001:db8::1", 80, &port));
	assert_int_equal(port, 80);
	assert_true(wr_tproxy_port("tcp dport 80 tproxy ip to 192.0.2.1", 80, &port));
	assert_int_equal(port, 80);
	assert_false(wr_tproxy_port("tcp dport 80 drop comment \"tproxy\"", 80, &port));
}

static void drop_by(struct wr_refusal *r, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->family = AF_INET;
	r->netns = 7;
	r->dport = 8080;
	r->kind = WR_EV_DROP;
	r->reason = "NETFILTER_DROP";	/* a rule dropped it, nothing answered */
	r->cause = WR_CAUSE_FIREWALL_DROP;
	r->rule.found = true;
	strcpy(r->rule.text, text);
}

static void test_explained_with_what_listens(void **state)
{
	struct wr_listener l = { .netns = 7, .family = AF_INET, .port = 9999, .pid = 42,
				 .comm = "squid" };
	struct wr_inventory inv = { .v = &l, .n = 1 };
	struct wr_inventory none = { 0 };
	struct wr_refusal r;

	drop_by(&r, "-A PREROUTING -p tcp -j TPROXY --on-port 9999 --on-ip 0.0.0.0");
	wr_tproxy_name(&none, &r);
	wr_tproxy_words(&r);
	assert_non_null(strstr(r.explanation, "a TPROXY rule hands the SYN to port 9999, where no "
				"transparent (IP_TRANSPARENT) socket listens"));
	assert_string_equal(r.rule.verdict, "tproxy to port 9999: no transparent socket");
	assert_int_equal(r.n_hints, 1);
	assert_non_null(strstr(r.hints[0], "nothing listens on port 9999"));

	drop_by(&r, "-A PREROUTING -p tcp -j TPROXY --on-port 9999 --on-ip 0.0.0.0");
	wr_tproxy_name(&inv, &r);
	wr_tproxy_words(&r);
	assert_int_equal(r.n_hints, 1);
	assert_non_null(strstr(r.hints[0], "squid (pid 42)"));
	assert_non_null(strstr(r.hints[0], "without IP_TRANSPARENT"));

	/* The default mode's first SYN (its answer unwatched): a drop, TPROXY never answers. */
	drop_by(&r, "-A PREROUTING -p tcp -j TPROXY --on-port 9999");
	r.cause = WR_CAUSE_FIREWALL_BLOCKED;
	r.answers_unwatched = true;
	wr_tproxy_name(&inv, &r);
	wr_tproxy_words(&r);
	wr_verdict(&r);
	assert_int_equal(r.cause, WR_CAUSE_FIREWALL_DROP);
	assert_false(r.answers_unwatched);
	assert_string_equal(r.client_sees, "Connection timed out");

	/* Another cause, or a rule that is no TPROXY: untouched. */
	drop_by(&r, "-A INPUT -j DROP");
	wr_tproxy_name(&inv, &r);
	wr_tproxy_words(&r);
	assert_int_equal(r.n_hints, 0);
	assert_string_equal(r.explanation, "");
	drop_by(&r, "-A PREROUTING -j TPROXY --on-port 9999");
	r.cause = WR_CAUSE_FIREWALL_REJECT;
	r.reply = WR_REPLY_TCP_RST;
	wr_tproxy_name(&inv, &r);
	wr_tproxy_words(&r);
	assert_string_equal(r.explanation, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iptables_on_port),
		cmocka_unit_test(test_nft_tproxy_to),
		cmocka_unit_test(test_explained_with_what_listens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
