// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fw_objects.c: firewalld's zones, dispatch rules and rich rules, and
 * kube-proxy's Services, from the texts nft and iptables print (as Debian's
 * firewalld 1.3 and kube-proxy render them), and the hints with commands
 * that run as printed; foreign text that is not theirs is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fw_objects.h"

static void test_zone_of_chain(void **state)
{
	char z[64];

	(void)state;
	assert_true(wr_fwd_zone_of_chain("filter_IN_public", z, sizeof(z)));
	assert_string_equal(z, "public");
	assert_true(wr_fwd_zone_of_chain("filter_IN_public_deny", z, sizeof(z)));
	assert_string_equal(z, "public");
	assert_true(wr_fwd_zone_of_chain("filter_IN_my-zone_allow", z, sizeof(z)));
	assert_string_equal(z, "my-zone");
	assert_false(wr_fwd_zone_of_chain("filter_INPUT", z, sizeof(z)));
	assert_false(wr_fwd_zone_of_chain("filter_IN_", z, sizeof(z)));
	assert_false(wr_fwd_zone_of_chain("filter_IN_a b", z, sizeof(z)));
	assert_false(wr_fwd_zone_of_chain("filter_IN_public", z, 4));	/* never cut */
}

static void test_dispatch(void **state)
{
	char z[64], w[64];

	(void)state;
	assert_int_equal(wr_fwd_dispatch("goto filter_IN_public", z, sizeof(z), w, sizeof(w)),
			 WR_FWD_VIA_DEFAULT);
	assert_string_equal(z, "public");
	assert_string_equal(w, "");
	assert_int_equal(wr_fwd_dispatch("iifname \"wr-s\" goto filter_IN_public", z, sizeof(z), w,
					 sizeof(w)), WR_FWD_VIA_INTERFACE);
	assert_string_equal(w, "wr-s");
	assert_int_equal(wr_fwd_dispatch("ip saddr 198.51.100.2 goto filter_IN_drop", z, sizeof(z),
					 w, sizeof(w)), WR_FWD_VIA_SOURCE);
	assert_string_equal(z, "drop");
	assert_string_equal(w, "198.51.100.2");
	assert_int_equal(wr_fwd_dispatch("ip6 saddr 2001:db8::/64 goto filter_IN_trusted", z,
					 sizeof(z), w, sizeof(w)), WR_FWD_VIA_SOURCE);
	assert_string_equal(w, "2001:db8::/64");
	/* Not firewalld's shapes: an ipset source, more after the goto, a jump, a quote. */
	assert_int_equal(wr_fwd_dispatch("ip saddr @src goto filter_IN_drop", z, sizeof(z), w,
					 sizeof(w)), WR_FWD_VIA_NONE);
	assert_int_equal(wr_fwd_dispatch("goto filter_IN_public accept", z, sizeof(z), w,
					 sizeof(w)), WR_FWD_VIA_NONE);
	assert_int_equal(wr_fwd_dispatch("jump filter_IN_public", z, sizeof(z), w, sizeof(w)),
			 WR_FWD_VIA_NONE);
	assert_int_equal(wr_fwd_dispatch("iifname \"a\"b\" goto filter_IN_public", z, sizeof(z),
					 w, sizeof(w)), WR_FWD_VIA_NONE);
}

static void test_rich_rule(void **state)
{
	char out[256];

	(void)state;
	/* As firewalld 1.3 renders `rule family="ipv4" source address=... port ... reject`. */
	assert_true(wr_fwd_rich_rule("ip saddr 192.0.2.3 tcp dport 8081 reject with icmp "
				     "port-unreachable", out, sizeof(out)));
	assert_string_equal(out, "rule family=\"ipv4\" source address=\"192.0.2.3\" port "
				 "port=\"8081\" protocol=\"tcp\" reject");
	assert_true(wr_fwd_rich_rule("ip6 saddr 2001:db8::/64 drop", out, sizeof(out)));
	assert_string_equal(out, "rule family=\"ipv6\" source address=\"2001:db8::/64\" drop");
	assert_true(wr_fwd_rich_rule("meta nfproto ipv4 udp dport 53-60 drop", out, sizeof(out)));
	assert_string_equal(out, "rule family=\"ipv4\" port port=\"53-60\" protocol=\"udp\" drop");
	assert_true(wr_fwd_rich_rule("tcp dport 22 reject with icmpx port-unreachable", out,
				     sizeof(out)));
	assert_string_equal(out, "rule port port=\"22\" protocol=\"tcp\" reject");
	/* What cannot be told back exactly: no rich rule, so no --remove-rich-rule. */
	assert_false(wr_fwd_rich_rule("reject with icmpx admin-prohibited", out, sizeof(out)));
	assert_false(wr_fwd_rich_rule("ip saddr 192.0.2.3 tcp dport 22 reject with icmp "
				      "host-prohibited", out, sizeof(out)));
	assert_false(wr_fwd_rich_rule("ip saddr 192.0.2.3 limit rate 1/minute drop", out,
				      sizeof(out)));
	assert_false(wr_fwd_rich_rule("ip saddr 192.0.2.3 tcp dport 8081 reject with icmp "
				      "port-unreachable", out, 20));
}

static void test_kube_service(void **state)
{
	char svc[256], c[64], v[64];
	bool local;

	(void)state;
	assert_true(wr_kube_service("default/web:https", svc, sizeof(svc), &local));
	assert_string_equal(svc, "default/web:https");
	assert_false(local);
	assert_true(wr_kube_service("default/nginx: has no local endpoints", svc, sizeof(svc),
				    &local));
	assert_string_equal(svc, "default/nginx:");
	assert_true(local);
	assert_false(wr_kube_service("Default/web:https", svc, sizeof(svc), &local));
	assert_false(wr_kube_service("default/web:https; rm -rf /", svc, sizeof(svc), &local));
	assert_false(wr_kube_service("default/web", svc, sizeof(svc), &local));
	assert_false(wr_kube_service("-x/web:a", svc, sizeof(svc), &local));

	assert_true(wr_kube_service_of_rule("-A KUBE-EXTERNAL-SERVICES -d 192.0.2.1/32 -p tcp -m "
					    "comment --comment \"default/web:https has no "
					    "endpoints\" -m tcp --dport 443 -j REJECT", svc,
					    sizeof(svc), &local));
	assert_string_equal(svc, "default/web:https");
	assert_false(local);
	assert_false(wr_kube_service_of_rule("-A KUBE-SERVICES -m comment --comment \"kubernetes "
					     "service portals\" -j KUBE-X", svc, sizeof(svc),
					     &local));

	const char *map = "table ip kube-proxy {\n\tmap no-endpoint-services {\n"
			  "\t\telements = { 192.0.2.1 . tcp . 443 comment \"default/web:https\" : "
			  "goto reject-chain,\n\t\t\t     192.0.2.1 . tcp . 4430 comment "
			  "\"default/other:x\" : drop }\n\t}\n}\n";
	assert_true(wr_kube_map_element(map, "192.0.2.1 . tcp . 443", c, sizeof(c), v, sizeof(v)));
	assert_string_equal(c, "default/web:https");
	assert_string_equal(v, "goto reject-chain");
	assert_true(wr_kube_map_element(map, "192.0.2.1 . tcp . 4430", c, sizeof(c), v, sizeof(v)));
	assert_string_equal(v, "drop");
	assert_false(wr_kube_map_element(map, "2.1 . tcp . 443", c, sizeof(c), v, sizeof(v)));
	assert_false(wr_kube_map_element(map, "192.0.2.9 . tcp . 443", c, sizeof(c), v, sizeof(v)));

	assert_string_equal(wr_kube_vmap("ip daddr . meta l4proto . th dport vmap "
					 "@no-endpoint-services"), "no-endpoint-services");
	assert_null(wr_kube_vmap("vmap @no-endpoint-services-x"));
}

static void rule(struct wr_refusal *r, const char *table, const char *chain, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->dport = 8080;
	r->rule.present = r->rule.found = true;
	r->rule.backend = "nftables";
	snprintf(r->rule.table, sizeof(r->rule.table), "%s", table);
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

static void test_name_refusals(void **state)
{
	struct wr_refusal r;

	(void)state;
	rule(&r, "firewalld", "filter_IN_public", "reject with icmpx admin-prohibited");
	r.rule.n_path = 1;
	snprintf(r.rule.path[0].chain, sizeof(r.rule.path[0].chain), "filter_INPUT_ZONES");
	snprintf(r.rule.path[0].text, sizeof(r.rule.path[0].text), "goto filter_IN_public");
	wr_fw_objects_name(&r);
	wr_fw_objects_hints(&r);
	assert_string_equal(r.rule.zone, "public");
	assert_int_equal(r.rule.zone_via, WR_FWD_VIA_DEFAULT);
	assert_true(has_hint(&r, "firewall-cmd --zone=public --add-port=8080/tcp; to keep it: "
				 "firewall-cmd --permanent --zone=public --add-port=8080/tcp"));

	/* A source in the drop zone, its address as the dispatch rule had it. */
	rule(&r, "firewalld", "filter_IN_drop", "drop");
	r.rule.n_path = 1;
	snprintf(r.rule.path[0].chain, sizeof(r.rule.path[0].chain), "filter_INPUT_ZONES");
	snprintf(r.rule.path[0].text, sizeof(r.rule.path[0].text),
		 "ip saddr 198.51.100.0/24 goto filter_IN_drop");
	wr_fw_objects_name(&r);
	wr_fw_objects_hints(&r);
	assert_int_equal(r.rule.zone_via, WR_FWD_VIA_SOURCE);
	assert_true(has_hint(&r, "firewall-cmd --zone=drop --remove-source=198.51.100.0/24"));

	/* A rich rule: quoted as one word for the shell. */
	rule(&r, "firewalld", "filter_IN_public_deny",
	     "ip saddr 192.0.2.3 tcp dport 8081 reject with icmp port-unreachable");
	wr_fw_objects_name(&r);
	wr_fw_objects_hints(&r);
	assert_true(has_hint(&r, "--remove-rich-rule='rule family=\"ipv4\" source address=\"192.0.2.3\" "
				 "port port=\"8081\" protocol=\"tcp\" reject'"));
	assert_false(has_hint(&r, "--add-port"));

	/* Not firewalld's table: nothing said. */
	rule(&r, "wrfw", "filter_IN_public", "drop");
	wr_fw_objects_name(&r);
	wr_fw_objects_hints(&r);
	assert_int_equal(r.n_hints, 0);
	assert_string_equal(r.rule.zone, "");

	rule(&r, "kube-proxy", "reject-chain", "reject");
	r.rule.n_path = 1;
	snprintf(r.rule.path[0].chain, sizeof(r.rule.path[0].chain), "service-endpoints-check");
	r.rule.path[0].handle = 12;
	snprintf(r.rule.path[0].text, sizeof(r.rule.path[0].text),
		 "ip daddr . meta l4proto . th dport vmap @no-endpoint-services");
	snprintf(r.rule.element, sizeof(r.rule.element), "default/web:https");
	snprintf(r.rule.element_key, sizeof(r.rule.element_key), "192.0.2.1 . tcp . 443");
	snprintf(r.rule.element_verdict, sizeof(r.rule.element_verdict), "goto reject-chain");
	wr_fw_objects_name(&r);
	wr_fw_objects_hints(&r);
	assert_string_equal(r.rule.service, "default/web:https");
	assert_false(r.rule.service_local);
	assert_true(has_hint(&r, "matched: chain service-endpoints-check, handle 12: "));
	assert_true(has_hint(&r, "Service default/web:https has no endpoints"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone_of_chain),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_rich_rule),
		cmocka_unit_test(test_kube_service),
		cmocka_unit_test(test_name_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
