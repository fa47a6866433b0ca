// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Rules that match the client through a set say so, with the command to list it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rule_sets.h"

static void rule(struct wr_refusal *r, const char *family, const char *table, const char *text)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->saddr, sizeof(r->saddr), "192.0.2.20");
	r->rule.present = r->rule.found = true;
	snprintf(r->rule.family, sizeof(r->rule.family), "%s", family);
	snprintf(r->rule.table, sizeof(r->rule.table), "%s", table);
	snprintf(r->rule.text, sizeof(r->rule.text), "%s", text);
}

static void test_sets(void **state)
{
	struct wr_refusal r;

	/* fail2ban's nftables banaction. */
	rule(&r, "inet", "f2b-table", "tcp dport 22 ip saddr @addr-set-sshd reject with icmp port-unreachable");
	wr_rule_sets_hint(&r);
	assert_int_equal(r.n_hints, 1);
	assert_string_equal(r.hints[0], "the client 192.0.2.20 is in set addr-set-sshd: "
			    "nft list set inet f2b-table addr-set-sshd");
	/* fail2ban's iptables-ipset banaction. */
	rule(&r, "ip", "filter", "-A INPUT -p tcp -m multiport --dports 22 -m set --match-set "
	     "f2b-sshd src -j REJECT --reject-with icmp-port-unreachable");
	wr_rule_sets_hint(&r);
	assert_string_equal(r.hints[0], "the client 192.0.2.20 is in ipset f2b-sshd: ipset list f2b-sshd");
	/* No set, or not found: nothing. */
	rule(&r, "inet", "t", "tcp dport 22 drop");
	wr_rule_sets_hint(&r);
	assert_int_equal(r.n_hints, 0);
	rule(&r, "inet", "t", "ip saddr @blocked drop");
	r.rule.found = false;
	wr_rule_sets_hint(&r);
	assert_int_equal(r.n_hints, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_sets) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
