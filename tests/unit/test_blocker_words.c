// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The words for a BPF blocker (blocker_words.c) and its small parsers:
 * fdinfo's ids, cgroup2's mount point, a process's cgroup v2 path, and
 * the rtnetlink dump of tc filters (tc_filters.c), from recorded bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "blocker.h"
#include "explain.h"
#include "refusal.h"
#include "tc_filters.h"

static struct wr_listener sshd(void)
{
	struct wr_listener l = { .netns = 4026532300, .family = AF_INET, .port = 22, .pid = 812 };

	strcpy(l.comm, "sshd");
	return l;
}

static struct wr_refusal refused(const char *reason)
{
	struct wr_refusal r = { .family = AF_INET, .dport = 22, .netns = 4026532300 };

	strcpy(r.daddr, "192.0.2.10");
	r.reason = reason;
	return r;
}

static void test_lookup_refused_never_says_nothing_listens(void **state)
{
	struct wr_refusal r = refused("NO_SOCKET");
	struct wr_listener l = sshd();

	(void)state;
	wr_explain(&r);
	wr_blocker_lookup_refused(&r, &l);
	wr_blocker_words(&r);
	assert_int_equal(r.blocker.kind, WR_BLK_LOOKUP);
	assert_int_equal(r.n_related, 1);
	assert_int_equal(r.related[0].relation, WR_REL_TARGET);
	assert_non_null(strstr(r.explanation, "sshd (pid 812) listens on 0.0.0.0:22 and would take "
					      "this SYN, but the kernel's socket lookup did not pick it"));
	assert_null(strstr(r.explanation, "no socket listens"));
	assert_null(strstr(r.explanation, "looked"));
	/* The lane looked and found an sk_lookup program, held by a process of a unit. */
	r.blocker.looked = r.blocker.found = true;
	r.blocker.kind = WR_BLK_SK_LOOKUP;
	strcpy(r.blocker.program, "refuse_ssh");
	r.blocker.id = 57;
	r.blocker.link_id = 9;
	r.blocker.pid = 4242;
	strcpy(r.blocker.comm, "lb-agent");
	strcpy(r.blocker.unit, "lb.service");
	r.blocker.others = 1;
	wr_blocker_tell(&r);
	assert_string_equal(r.explanation,
		"sshd (pid 812) listens on 0.0.0.0:22, but an sk_lookup program (refuse_ssh, id 57, "
		"held by pid 4242 (lb-agent, lb.service), and 1 more program there) attached to this "
		"network namespace refused the lookup; the kernel answered with RST, the client sees "
		"Connection refused");
	assert_string_equal(r.blocker.command, "bpftool prog show id 57; bpftool link show id 9");
	assert_int_equal(r.n_hints, 1);
	assert_string_equal(r.hints[0], r.blocker.command);
	/* Looked, nothing found: said so. */
	memset(&r.blocker, 0, sizeof(r.blocker));
	r.blocker.kind = WR_BLK_LOOKUP;
	r.blocker.looked = true;
	wr_blocker_tell(&r);
	assert_non_null(strstr(r.explanation, "(no sk_lookup or SO_REUSEPORT program found)"));
}

static void test_cgroup_systemd_and_other(void **state)
{
	struct wr_refusal r = refused("SOCKET_FILTER");
	struct wr_listener l = sshd();

	(void)state;
	strcpy(l.unit, "api service.service");
	wr_explain(&r);
	assert_false(wr_blocker_expected(&r, &l) == false);
	wr_blocker_words(&r);
	assert_int_equal(r.blocker.kind, WR_BLK_SOCKET_FILTER);
	assert_non_null(strstr(r.explanation, "a socket filter (SO_ATTACH_FILTER/BPF) or a cgroup "
					      "BPF program dropped the SYN: sshd"));
	r.blocker.looked = r.blocker.found = true;
	r.blocker.kind = WR_BLK_CGROUP;
	strcpy(r.blocker.program, "sd_fw_ingress");
	r.blocker.id = 31;
	strcpy(r.blocker.cgroup, "/system.slice/api service.service");
	assert_true(wr_blocker_cgroup_unit(r.blocker.cgroup, r.blocker.cgroup_unit,
					   sizeof(r.blocker.cgroup_unit)));
	wr_blocker_tell(&r);
	assert_non_null(strstr(r.explanation, "systemd's IPAddressDeny=/IPAddressAllow= of api "
					      "service.service dropped the SYN (its program "
					      "sd_fw_ingress, id 31, on cgroup /system.slice/api "
					      "service.service ingress)"));
	/* A name from someone else: one word for the shell. */
	assert_string_equal(r.blocker.command, "systemctl show -p IPAddressDeny -p IPAddressAllow "
					       "'api service.service'");
	strcpy(r.blocker.program, "guard");
	wr_blocker_tell(&r);
	assert_null(strstr(r.explanation, "IPAddressDeny"));
	assert_non_null(strstr(r.explanation, "guard (id 31, held by no process (pinned in bpffs, "
					      "or left attached)) on cgroup"));
	/* No cgroup program: the socket's own filter. */
	memset(&r.blocker, 0, sizeof(r.blocker));
	r.blocker.kind = WR_BLK_SOCKET_FILTER;
	r.blocker.looked = true;
	strcpy(r.blocker.cgroup, "/x");
	wr_blocker_tell(&r);
	assert_non_null(strstr(r.explanation, "the listener's own socket filter"));
	assert_non_null(strstr(r.explanation, "no cgroup ingress program is on its cgroup /x"));
}

static void test_tc(void **state)
{
	struct wr_refusal r = refused("TC_INGRESS");

	(void)state;
	wr_explain(&r);
	assert_true(wr_blocker_expected(&r, NULL));
	assert_int_equal(r.blocker.kind, WR_BLK_TC);
	assert_int_equal(r.n_related, 0);
	r.blocker.looked = r.blocker.found = true;
	strcpy(r.blocker.device, "eth;0");
	strcpy(r.blocker.program, "drop_7022");
	r.blocker.id = 77;
	strcpy(r.blocker.attach, "tc ingress pref 49152 da");
	strcpy(r.blocker.ns_prefix, "ip netns exec web ");
	wr_blocker_tell(&r);
	assert_non_null(strstr(r.explanation, "a BPF program on the ingress of eth;0 dropped the "
					      "SYN: drop_7022 (id 77, tc ingress pref 49152 da, kept "
					      "by the tc filter itself, no process holds it)"));
	assert_string_equal(r.blocker.command, "ip netns exec web tc filter show dev 'eth;0' "
					       "ingress; ip netns exec web bpftool net show dev "
					       "'eth;0'");
	/* Other drop reasons are not a blocker's. */
	r = refused("IP_RPFILTER");
	wr_explain(&r);
	assert_false(wr_blocker_expected(&r, NULL));
	assert_int_equal(r.blocker.kind, WR_BLK_NONE);
}

static void test_parsers(void **state)
{
	char buf[256];
	uint32_t p, l;

	(void)state;
	assert_true(wr_fdinfo_bpf_ids("pos:\t0\nflags:\t02000002\nmnt_id:\t17\nlink_type:\tnetns\n"
				      "link_id:\t850\nprog_tag:\tabc\nprog_id:\t1744\n", &p, &l));
	assert_int_equal(p, 1744);
	assert_int_equal(l, 850);
	assert_false(wr_fdinfo_bpf_ids("pos:\t0\nmnt_id:\t17\nmap_id:\t3\n", &p, &l));
	assert_false(wr_fdinfo_bpf_ids("prog_id:\t99999999999\n", &p, &l));
	assert_true(wr_cgroup2_mount("30 22 0:27 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
				     "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n",
				     buf, sizeof(buf)));
	assert_string_equal(buf, "/sys/fs/cgroup/unified");
	assert_true(wr_cgroup2_mount("41 1 0:1 / /mnt/cg\\040two rw shared:1 - cgroup2 none rw\n",
				     buf, sizeof(buf)));
	assert_string_equal(buf, "/mnt/cg two");
	assert_false(wr_cgroup2_mount("31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n",
				      buf, sizeof(buf)));
	assert_true(wr_cgroup2_path("9:name=systemd:/\n0::/wrtest.slice/api.service\n", buf,
				    sizeof(buf)));
	assert_string_equal(buf, "/wrtest.slice/api.service");
	assert_false(wr_cgroup2_path("9:name=systemd:/x.service\n", buf, sizeof(buf)));
	assert_true(wr_blocker_cgroup_unit("/system.slice/nginx.service", buf, sizeof(buf)));
	assert_string_equal(buf, "nginx.service");
	assert_false(wr_blocker_cgroup_unit("/system.slice/nginx.service/main", buf, sizeof(buf)));
	assert_true(wr_blocker_is_systemd("sd_fw_ingress"));
	assert_false(wr_blocker_is_systemd("sd_fw_egress"));
}

/* One RTM_NEWTFILTER as the kernel sends it for `tc filter add ... bpf da obj O sec tc`. */
static size_t tc_reply(char *buf, uint32_t seq, const char *kind, uint32_t id)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tc;
	struct nlattr *opts;

	nlh->nlmsg_type = RTM_NEWTFILTER;
	nlh->nlmsg_seq = seq;
	tc = mnl_nlmsg_put_extra_header(nlh, sizeof(*tc));
	tc->tcm_info = (49152u << 16) | 0x0300;
	tc->tcm_handle = 1;
	mnl_attr_put_strz(nlh, TCA_KIND, kind);
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u32(nlh, TCA_BPF_ID, id);
	mnl_attr_put_strz(nlh, TCA_BPF_NAME, "blockers.bpf.o:[tc]");
	mnl_attr_put_u32(nlh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	mnl_attr_nest_end(nlh, opts);
	return nlh->nlmsg_len;
}

static void test_tc_filters(void **state)
{
	char buf[4096], req[64];
	struct wr_tc_filter f[4];
	struct nlmsghdr *done;
	size_t n = 0, len;

	(void)state;
	assert_true(wr_tc_filter_request(req, sizeof(req), 7, 5) > 0);
	assert_int_equal(((struct nlmsghdr *)req)->nlmsg_type, RTM_GETTFILTER);
	len = tc_reply(buf, 5, "bpf", 77);
	len += tc_reply(buf + len, 5, "u32", 78);	/* not a BPF filter: left out */
	done = (struct nlmsghdr *)(buf + len);
	memset(done, 0, sizeof(*done) + 4);
	done->nlmsg_len = sizeof(*done) + 4;
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_seq = 5;
	len += done->nlmsg_len;
	assert_int_equal(wr_tc_filters_parse(buf, len, 5, f, 4, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(f[0].prog_id, 77);
	assert_int_equal(f[0].prio, 49152);
	assert_true(f[0].direct_action);
	assert_string_equal(f[0].name, "blockers.bpf.o:[tc]");
	/* Another dump's message: refused. */
	n = 0;
	assert_int_equal(wr_tc_filters_parse(buf, len, 6, f, 4, &n), -1);
	/* No room: counted out, not overrun. */
	n = 0;
	assert_int_equal(wr_tc_filters_parse(buf, len, 5, f, 0, &n), 1);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_refused_never_says_nothing_listens),
		cmocka_unit_test(test_cgroup_systemd_and_other),
		cmocka_unit_test(test_tc),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_tc_filters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
