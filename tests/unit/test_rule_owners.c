// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Rule owners: the shipped tools/rule_owners.conf parses, names the owners
 * of rules as fail2ban, ufw, podman, kube-proxy and firewalld make them, a
 * user's file comes first, and bad lines are refused with their number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rule_owners.h"

static void found_rule(struct wr_refusal *r, const char *table, const char *chain)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->saddr, sizeof(r->saddr), "192.0.2.20");
	r->dport = 22;
	r->rule.present = r->rule.found = true;
	snprintf(r->rule.family, sizeof(r->rule.family), "ip");
	snprintf(r->rule.table, sizeof(r->rule.table), "%s", table);
	snprintf(r->rule.chain, sizeof(r->rule.chain), "%s", chain);
}

static void test_shipped_patterns(void **state)
{
	struct wr_owners o = { 0 };
	struct wr_refusal r;
	char err[256];

	/* The built-in list is tools/rule_owners.conf; no user file here. */
	assert_int_equal(wr_owners_load(&o, "/nonexistent/rule-owners.conf", false, err,
					sizeof(err)), 0);
	assert_true(o.n >= 10);

	found_rule(&r, "filter", "f2b-sshd");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "fail2ban (jail sshd)");
	assert_string_equal(r.rule.owner_command, "fail2ban-client status sshd; to lift the ban: "
				     "fail2ban-client set sshd unbanip 192.0.2.20");
	assert_int_equal(r.n_hints, 1);
	assert_non_null(strstr(r.hints[0], "the rule belongs to fail2ban (jail sshd): "));

	/* fail2ban's nftables banaction: the jail is in the set's name. */
	found_rule(&r, "f2b-table", "f2b-chain");
	snprintf(r.rule.text, sizeof(r.rule.text),
		 "tcp dport { 22 } ip saddr @addr-set-sshd reject with icmp port-unreachable");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "fail2ban (jail sshd)");

	found_rule(&r, "filter", "ufw-user-input");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "ufw");
	assert_string_equal(r.rule.owner_command, "ufw status numbered");

	found_rule(&r, "filter", "NETAVARK_FORWARD");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "podman (netavark)");
	/* netavark's nftables backend: its table, whatever the chain (FORWARD, nv_*). */
	found_rule(&r, "netavark", "nv_fae505bb_203_0_113_0_nm24_dnat");
	wr_owners_name(&o, &r);
	assert_string_equal(r.rule.owner, "podman (netavark)");
	assert_string_equal(r.rule.owner_command, "podman ps --all; podman port --all");

	found_rule(&r, "filter", "KUBE-SERVICES");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "kube-proxy");

	found_rule(&r, "filter", "DOCKER-USER");	/* the specific line before DOCKER* */
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_non_null(strstr(r.rule.owner, "DOCKER-USER"));

	found_rule(&r, "firewalld", "filter_IN_public_deny");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "firewalld");

	/* ufw's default policy: INPUT's policy, and INPUT jumps to ufw's chains. */
	found_rule(&r, "filter", "INPUT");
	r.rule.policy = true;
	snprintf(r.rule.jumps, sizeof(r.rule.jumps), "wr_mine ufw-before-logging-input");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "ufw (its default policy)");
	assert_string_equal(r.rule.owner_command, "ufw status verbose");
	/* Docker's FORWARD policy. */
	found_rule(&r, "filter", "FORWARD");
	r.rule.policy = true;
	snprintf(r.rule.jumps, sizeof(r.rule.jumps), "DOCKER-USER DOCKER-FORWARD");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_non_null(strstr(r.rule.owner, "Docker"));
	/* A rule (not the policy) of a chain that jumps to ufw's is not ufw's. */
	found_rule(&r, "filter", "INPUT");
	snprintf(r.rule.jumps, sizeof(r.rule.jumps), "ufw-before-input");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "");
	/* A policy of a chain that jumps nowhere known has no owner. */
	found_rule(&r, "filter", "INPUT");
	r.rule.policy = true;
	snprintf(r.rule.jumps, sizeof(r.rule.jumps), "wr_mine");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "");

	/* A hand-written ruleset has no owner, and no hint is added. */
	found_rule(&r, "filter", "INPUT");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "");
	assert_int_equal(r.n_hints, 0);
	/* Nor a rule not found yet. */
	found_rule(&r, "filter", "f2b-sshd");
	r.rule.found = false;
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "");
	wr_owners_free(&o);
}

static void test_user_patterns_first(void **state)
{
	struct wr_owners o = { 0 };
	struct wr_refusal r;
	char err[256];

	assert_int_equal(wr_owners_parse(&o, "# ours\n\n"
					 "chain f2b-*   \"our ban list ({*})\"   banctl unban {client} {port}\n"
					 "table edge    edgefw\n", "user", err, sizeof(err)), 0);
	assert_int_equal(wr_owners_load(&o, "/nonexistent", false, err, sizeof(err)), 0);
	found_rule(&r, "filter", "f2b-sshd");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "our ban list (sshd)");
	assert_string_equal(r.rule.owner_command, "banctl unban 192.0.2.20 22");
	found_rule(&r, "edge", "input");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "edgefw");
	assert_string_equal(r.rule.owner_command, "");
	assert_string_equal(r.hints[0], "the rule belongs to edgefw");
	wr_owners_free(&o);
}

static void test_bad_lines(void **state)
{
	struct wr_owners o = { 0 };
	char err[256];

	assert_int_equal(wr_owners_parse(&o, "chain ok x\nrule x y\n", "f.conf", err,
					 sizeof(err)), -1);
	assert_string_equal(err, "f.conf:2: expected 'chain', 'table', 'set', 'policy', 'program', "
			    "'holder' or 'unit'");
	assert_int_equal(wr_owners_parse(&o, "chain a*b* x\n", "f.conf", err, sizeof(err)), -1);
	assert_string_equal(err, "f.conf:1: expected a pattern with at most one '*'");
	assert_int_equal(wr_owners_parse(&o, "table t \"unterminated\n", "f.conf", err,
					 sizeof(err)), -1);
	assert_non_null(strstr(err, "expected an owner"));
	assert_int_equal(wr_owners_parse(&o, "table t\n", "f.conf", err, sizeof(err)), -1);
	assert_int_equal(wr_owners_load(&o, "/nonexistent", true, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read --rule-owners /nonexistent"));
	wr_owners_free(&o);
}

/* A jail's name is whoever made the chain's choice: the command quotes it, the owner label does not. */
static void test_names_in_commands_quoted(void **state)
{
	struct wr_owners o = { 0 };
	struct wr_refusal r;
	char err[256];

	(void)state;
	assert_int_equal(wr_owners_load(&o, "/nonexistent/rule-owners.conf", false, err,
					sizeof(err)), 0);
	found_rule(&r, "filter", "f2b-x; rm -rf / #");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "fail2ban (jail x; rm -rf / #)");
	assert_string_equal(r.rule.owner_command,
			    "fail2ban-client status 'x; rm -rf / #'; to lift the ban: "
			    "fail2ban-client set 'x; rm -rf / #' unbanip 192.0.2.20");
	found_rule(&r, "filter", "f2b-it's");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_non_null(strstr(r.rule.owner_command, "status 'it'\\''s';"));
	wr_owners_free(&o);
}

/* A placeholder with no value here: the pattern is passed over, never a command with a hole. */
static void test_placeholders_filled_or_left_out(void **state)
{
	static const char *const holes[] = { "{", "}", "ZONE", "NAMESPACE", "SERVICE" };
	struct wr_owners o = { 0 };
	struct wr_refusal r;
	char err[256];

	(void)state;
	assert_int_equal(wr_owners_load(&o, "/nonexistent/rule-owners.conf", false, err,
					sizeof(err)), 0);
	/* Every shipped pattern, with nothing known beyond its table and chain. */
	for (size_t i = 0; i < o.n; i++) {
		char name[80];

		snprintf(name, sizeof(name), "%s", o.v[i].pattern);
		if (strchr(name, '*'))
			*strchr(name, '*') = 'x';
		found_rule(&r, o.v[i].kind == 't' ? name : "filter", o.v[i].kind == 'c' ? name : "INPUT");
		r.rule.policy = o.v[i].kind == 'p';
		if (o.v[i].kind == 'p')
			snprintf(r.rule.jumps, sizeof(r.rule.jumps), "%s", name);
		if (o.v[i].kind == 's')
			snprintf(r.rule.text, sizeof(r.rule.text), "ip saddr @%s drop", name);
		wr_owners_name(&o, &r);
	wr_owner_hint(&r);
		for (size_t h = 0; h < sizeof(holes) / sizeof(holes[0]); h++) {
			assert_null(strstr(r.rule.owner_command, holes[h]));
			assert_null(strstr(r.rule.owner, holes[h]));
		}
	}

	found_rule(&r, "firewalld", "filter_IN_public");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "firewalld");
	assert_string_equal(r.rule.owner_command,
			    "firewall-cmd --get-default-zone; firewall-cmd --get-active-zones");
	found_rule(&r, "firewalld", "filter_IN_public");
	snprintf(r.rule.zone, sizeof(r.rule.zone), "public");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "firewalld (zone public)");
	assert_string_equal(r.rule.owner_command, "firewall-cmd --list-all --zone=public");
	/* A name someone else chose is quoted in the command. */
	found_rule(&r, "firewalld", "filter_IN_x");
	snprintf(r.rule.zone, sizeof(r.rule.zone), "a b;c");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner_command, "firewall-cmd --list-all --zone='a b;c'");

	found_rule(&r, "kube-proxy", "reject-chain");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "kube-proxy");
	assert_string_equal(r.rule.owner_command,
			    "kubectl get services,endpointslices --all-namespaces");
	found_rule(&r, "kube-proxy", "reject-chain");
	snprintf(r.rule.service, sizeof(r.rule.service), "default/web:https");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner, "kube-proxy (Service default/web:https)");
	assert_string_equal(r.rule.owner_command, "kubectl get endpointslices -n default -l "
				     "kubernetes.io/service-name=web");
	found_rule(&r, "filter", "KUBE-EXTERNAL-SERVICES");
	snprintf(r.rule.service, sizeof(r.rule.service), "kube-system/dns:");
	wr_owners_name(&o, &r);
	wr_owner_hint(&r);
	assert_string_equal(r.rule.owner_command, "kubectl get endpointslices -n kube-system -l "
				     "kubernetes.io/service-name=dns");
	wr_owners_free(&o);
}

static void blocked_by(struct wr_refusal *r, enum wr_blocker_kind kind, const char *program)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->saddr, sizeof(r->saddr), "192.0.2.20");
	r->dport = 8080;
	r->blocker.kind = kind;
	r->blocker.found = true;
	r->blocker.id = 42;
	snprintf(r->blocker.program, sizeof(r->blocker.program), "%s", program);
}

/* BPF programs: their name, their holder's comm, their unit (issue 25). */
static void test_blocker_patterns(void **state)
{
	struct wr_owners o = { 0 };
	struct wr_refusal r;
	char err[256];

	(void)state;
	assert_int_equal(wr_owners_load(&o, "/nonexistent/rule-owners.conf", false, err,
					sizeof(err)), 0);
	/* systemd's own, held by PID 1 from init.scope: named by the cgroup's unit. */
	blocked_by(&r, WR_BLK_CGROUP, "sd_fw_ingress");
	snprintf(r.blocker.cgroup_unit, sizeof(r.blocker.cgroup_unit), "api.service");
	snprintf(r.blocker.unit, sizeof(r.blocker.unit), "init.scope");
	snprintf(r.blocker.command, sizeof(r.blocker.command),
		 "systemctl show -p IPAddressDeny -p IPAddressAllow api.service");
	wr_owners_name_blocker(&o, &r);
	wr_blocker_owner_hint(&r);
	assert_string_equal(r.blocker.owner, "systemd (api.service's IPAddressDeny=/IPAddressAllow=)");
	assert_string_equal(r.blocker.owner_command,
			    "systemctl show -p IPAddressDeny -p IPAddressAllow api.service");
	assert_int_equal(r.n_hints, 1);	/* its command is the blocker's own: said once */
	assert_string_equal(r.hints[0], "the program belongs to systemd (api.service's "
			    "IPAddressDeny=/IPAddressAllow=)");

	blocked_by(&r, WR_BLK_TC, "cil_from_netdev");
	wr_owners_name_blocker(&o, &r);
	wr_blocker_owner_hint(&r);
	assert_string_equal(r.blocker.owner, "Cilium");
	assert_non_null(strstr(r.hints[0], "the program belongs to Cilium: kubectl -n kube-system "
			       "exec ds/cilium -- cilium-dbg monitor --type drop"));
	blocked_by(&r, WR_BLK_TC, "cali_tc_preambl");
	wr_owners_name_blocker(&o, &r);
	wr_blocker_owner_hint(&r);
	assert_string_equal(r.blocker.owner, "Calico (eBPF dataplane)");
	/* A name no pattern knows, held by cilium-agent: its holder names it. */
	blocked_by(&r, WR_BLK_SK_LOOKUP, "lb_lookup");
	r.blocker.pid = 812;
	snprintf(r.blocker.comm, sizeof(r.blocker.comm), "cilium-agent");
	wr_owners_name_blocker(&o, &r);
	wr_blocker_owner_hint(&r);
	assert_string_equal(r.blocker.owner, "Cilium");
	/* Nothing known, or no program named: nothing said. */
	blocked_by(&r, WR_BLK_TC, "drop_8080");
	wr_owners_name_blocker(&o, &r);
	wr_blocker_owner_hint(&r);
	assert_string_equal(r.blocker.owner, "");
	assert_int_equal(r.n_hints, 0);
	blocked_by(&r, WR_BLK_TC, "cil_from_netdev");
	r.blocker.found = false;
	wr_owners_name_blocker(&o, &r);
	wr_blocker_owner_hint(&r);
	assert_string_equal(r.blocker.owner, "");
	/* Rule patterns never name a program, program patterns never a rule. */
	found_rule(&r, "filter", "cil_from_netdev");
	wr_owners_name(&o, &r);
	assert_string_equal(r.rule.owner, "");
	wr_owners_free(&o);
}

/* A user's patterns: holder and unit kinds, placeholders quoted in the command. */
static void test_blocker_user_patterns(void **state)
{
	struct wr_owners o = { 0 };
	struct wr_refusal r;
	char err[256];

	(void)state;
	assert_int_equal(wr_owners_parse(&o,
		"unit    lb-*.service  \"the load balancer ({unit})\"  journalctl -u {unit}\n"
		"holder  lb-agent      lb-agent  lbctl show {program} {id} on {device} by {pid}\n",
		"user", err, sizeof(err)), 0);
	blocked_by(&r, WR_BLK_SK_LOOKUP, "refuse_ssh");
	r.blocker.pid = 1808;
	snprintf(r.blocker.comm, sizeof(r.blocker.comm), "lb-agent");
	snprintf(r.blocker.unit, sizeof(r.blocker.unit), "lb-$(reboot).service");
	wr_owners_name_blocker(&o, &r);
	wr_blocker_owner_hint(&r);
	assert_string_equal(r.blocker.owner, "the load balancer (lb-$(reboot).service)");
	assert_string_equal(r.blocker.owner_command, "journalctl -u 'lb-$(reboot).service'");
	/* {device} unknown for an sk_lookup program: that line is passed over. */
	r.blocker.unit[0] = '\0';
	r.n_hints = 0;
	wr_owners_name_blocker(&o, &r);
	wr_blocker_owner_hint(&r);
	assert_string_equal(r.blocker.owner, "");
	snprintf(r.blocker.device, sizeof(r.blocker.device), "eth0");
	wr_owners_name_blocker(&o, &r);
	wr_blocker_owner_hint(&r);
	assert_string_equal(r.blocker.owner_command, "lbctl show refuse_ssh 42 on eth0 by 1808");
	assert_int_equal(wr_owners_parse(&o, "programme x y\n", "user", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'program', 'holder' or 'unit'"));
	wr_owners_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_patterns),
		cmocka_unit_test(test_names_in_commands_quoted),
		cmocka_unit_test(test_user_patterns_first),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_placeholders_filled_or_left_out),
		cmocka_unit_test(test_blocker_patterns),
		cmocka_unit_test(test_blocker_user_patterns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
