// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fwd_policies.c: firewalld 1.x policies' and zones' forwarding chains, as
 * its nftables backend names them (filter_FWD_policy_<name>_deny,
 * filter_FWD_<zone>), and the hints with commands that run as printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fw_objects.h"
#include "fwd_policies.h"

static void test_chains(void **state)
{
	const char *dir = NULL;
	char n[64];
	bool base;

	(void)state;
	assert_true(wr_fwd_policy_of_chain("filter_FWD_policy_wrtpol", n, sizeof(n), &dir, &base));
	assert_string_equal(n, "wrtpol");
	assert_string_equal(dir, "FWD");
	assert_true(base);
	assert_true(wr_fwd_policy_of_chain("filter_IN_policy_allow-host-ipv6_allow", n, sizeof(n),
					   &dir, &base));
	assert_string_equal(n, "allow-host-ipv6");
	assert_string_equal(dir, "IN");
	assert_false(base);
	assert_false(wr_fwd_policy_of_chain("filter_FWD_public", n, sizeof(n), &dir, &base));
	assert_false(wr_fwd_policy_of_chain("filter_FWD_policy_", n, sizeof(n), &dir, &base));
	assert_false(wr_fwd_policy_of_chain("filter_FWD_policy_a\"b", n, sizeof(n), &dir, &base));
	assert_false(wr_fwd_policy_of_chain("filter_FWD_policy_wrtpol", n, 4, &dir, &base));
	assert_true(wr_fwd_forward_zone_of_chain("filter_FWD_public_deny", n, sizeof(n), &base));
	assert_string_equal(n, "public");
	assert_false(base);
	assert_false(wr_fwd_forward_zone_of_chain("filter_FWD_policy_wrtpol", n, sizeof(n), &base));
	assert_false(wr_fwd_forward_zone_of_chain("filter_FORWARD", n, sizeof(n), &base));
	/* A policy's chain to the host is no zone's. */
	assert_false(wr_fwd_zone_of_chain("filter_IN_policy_allow-host-ipv6", n, sizeof(n)));
}

static void rule(struct wr_refusal *r, const char *chain, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->dport = 80;
	r->rule.present = r->rule.found = true;
	r->rule.backend = "nftables";
	snprintf(r->rule.table, sizeof(r->rule.table), "firewalld");
	snprintf(r->rule.chain, sizeof(r->rule.chain), "%s", chain);
	snprintf(r->rule.text, sizeof(r->rule.text), "%s", text);
}

static bool has_hint(const struct wr_refusal *r, const char *s)
{
	for (unsigned i = 0; i < r->n_hints; i++)
		if (strstr(r->hints[i], s))
			return true;
	return false;
}

static void test_name(void **state)
{
	struct wr_refusal r;

	(void)state;
	/* The policy's target. */
	rule(&r, "filter_FWD_policy_wrtpol", "reject with icmpx admin-prohibited");
	wr_fw_objects_name(&r);
	assert_string_equal(r.rule.fw_policy, "wrtpol");
	assert_string_equal(r.rule.zone, "");
	assert_int_equal(r.n_hints, 0);		/* facts only: the words come at the verdict */
	wr_fw_objects_hints(&r);
	assert_true(has_hint(&r, "firewalld: policy wrtpol (traffic forwarded) blocked it: "
				 "firewall-cmd --info-policy=wrtpol"));
	assert_true(has_hint(&r, "firewall-cmd --policy=wrtpol --add-port=80/tcp; to keep it: "
				 "firewall-cmd --permanent --policy=wrtpol --add-port=80/tcp"));
	/* A rich rule of the policy. */
	rule(&r, "filter_FWD_policy_wrtpol_deny", "ip saddr 192.0.2.2 tcp dport 81 drop");
	wr_fw_objects_name(&r);
	wr_fw_objects_hints(&r);
	assert_true(has_hint(&r, "firewall-cmd --policy=wrtpol --remove-rich-rule='rule "
				 "family=\"ipv4\" source address=\"192.0.2.2\" port port=\"81\" "
				 "protocol=\"tcp\" drop'"));
	assert_false(has_hint(&r, "--add-port"));
	/* A zone's forwarding: no change command without the policy's name to give. */
	rule(&r, "filter_FWD_public", "reject with icmpx admin-prohibited");
	r.rule.n_path = 1;
	snprintf(r.rule.path[0].chain, sizeof(r.rule.path[0].chain), "filter_FORWARD_ZONES");
	snprintf(r.rule.path[0].text, sizeof(r.rule.path[0].text), "iifname \"wr-s\" goto filter_FWD_public");
	wr_fw_objects_name(&r);
	wr_fw_objects_hints(&r);
	assert_string_equal(r.rule.zone, "public");
	assert_string_equal(r.rule.fw_policy, "");
	assert_int_equal(r.rule.zone_via, WR_FWD_VIA_INTERFACE);
	assert_true(has_hint(&r, "firewalld: interface wr-s is in zone public"));
	assert_true(has_hint(&r, "firewall-cmd --info-zone=public; firewall-cmd --get-policies"));
	assert_false(has_hint(&r, "--add-port"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chains),
		cmocka_unit_test(test_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
