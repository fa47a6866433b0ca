// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The route back to a client: RTM_GETROUTE built, its answer read, the hint worded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>

#include "explain.h"
#include "route_back.h"

static const uint8_t client4[4] = { 198, 51, 100, 7 };

/* An RTM_NEWROUTE answer as the kernel sends it (the attributes we read and one we do not). */
static size_t answer(char *buf, size_t len, int family, uint32_t seq, unsigned char type,
		     const char *via, const char *src, uint32_t oif)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	uint8_t a[16];
	size_t alen = family == AF_INET6 ? 16 : 4;
	uint32_t table = 254;

	memset(buf, 0, len);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_type = type;
	mnl_attr_put(nlh, RTA_TABLE, sizeof(table), &table);
	if (oif)
		mnl_attr_put(nlh, RTA_OIF, sizeof(oif), &oif);
	if (via && inet_pton(family, via, a) == 1)
		mnl_attr_put(nlh, RTA_GATEWAY, alen, a);
	if (src && inet_pton(family, src, a) == 1)
		mnl_attr_put(nlh, RTA_PREFSRC, alen, a);
	return nlh->nlmsg_len;
}

static void test_request_asks_for_the_client(void **state)
{
	char buf[256];
	size_t n = wr_route_request(AF_INET, client4, 7, buf, sizeof(buf));
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a = (const void *)((const char *)rtm + MNL_ALIGN(sizeof(*rtm)));

	assert_int_equal(n, nlh->nlmsg_len);
	assert_int_equal(nlh->nlmsg_type, RTM_GETROUTE);
	assert_int_equal(nlh->nlmsg_seq, 7);
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_dst_len, 32);
	assert_int_equal(mnl_attr_get_type(a), RTA_DST);
	assert_memory_equal(mnl_attr_get_payload(a), client4, 4);
	assert_int_equal(wr_route_request(AF_INET, client4, 7, buf, 16), 0);
}

static void test_parse_gateway_device_source(void **state)
{
	char buf[512];
	size_t n = answer(buf, sizeof(buf), AF_INET, 9, RTN_UNICAST, "192.0.2.254", "192.0.2.1", 3);
	struct wr_route rt;
	char via[INET_ADDRSTRLEN];

	assert_int_equal(wr_route_parse(buf, n, AF_INET, 9, &rt), 0);
	assert_int_equal(rt.error, 0);
	assert_int_equal(rt.oif, 3);
	assert_true(rt.has_via && rt.has_src);
	inet_ntop(AF_INET, rt.via, via, sizeof(via));
	assert_string_equal(via, "192.0.2.254");
	/* Another request's answer, another family, cut short: not ours. */
	assert_int_equal(wr_route_parse(buf, n, AF_INET, 10, &rt), -1);
	assert_int_equal(wr_route_parse(buf, n, AF_INET6, 9, &rt), -1);
	assert_int_equal(wr_route_parse(buf, n - 4, AF_INET, 9, &rt), -1);
	assert_int_equal(wr_route_parse(buf, 8, AF_INET, 9, &rt), -1);
}

static void test_parse_error_and_unreachable(void **state)
{
	char buf[512];
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	struct wr_route rt;
	size_t n;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = 4;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -ENETUNREACH;
	assert_int_equal(wr_route_parse(buf, nlh->nlmsg_len, AF_INET, 4, &rt), 0);
	assert_int_equal(rt.error, ENETUNREACH);
	e->error = 0;	/* an ack is no answer */
	assert_int_equal(wr_route_parse(buf, nlh->nlmsg_len, AF_INET, 4, &rt), -1);

	n = answer(buf, sizeof(buf), AF_INET6, 5, RTN_UNREACHABLE, NULL, NULL, 1);
	assert_int_equal(wr_route_parse(buf, n, AF_INET6, 5, &rt), 0);
	assert_int_equal(rt.error, EHOSTUNREACH);
}

static void refusal(struct wr_refusal *r, enum wr_cause cause, const char *reason)
{
	memset(r, 0, sizeof(*r));
	r->family = AF_INET;
	strcpy(r->saddr, "198.51.100.7");
	memcpy(r->saddr_raw, client4, 4);
	r->cause = cause;
	r->reason = reason;
}

static void test_hint_names_the_way_and_the_command(void **state)
{
	struct wr_refusal r;
	struct wr_route rt = { .oif = 3, .has_via = true, .has_src = true };
	char prefix[256];

	refusal(&r, WR_CAUSE_HANDSHAKE_INCOMPLETE, "SYNACK_UNACKED");
	inet_pton(AF_INET, "192.0.2.254", rt.via);
	inet_pton(AF_INET, "192.0.2.1", rt.src);
	wr_route_ns_prefix("web; rm -rf /", 0, false, prefix, sizeof(prefix));
	assert_string_equal(prefix, "ip netns exec 'web; rm -rf /' ");
	wr_route_back_fill(&r, &rt, "veth0", prefix);
	wr_route_back_words(&r);
	assert_true(r.route_back.looked);
	assert_string_equal(r.route_back.dev, "veth0");
	assert_string_equal(r.route_back.via, "192.0.2.254");
	assert_string_equal(r.route_back.src, "192.0.2.1");
	assert_string_equal(r.route_back.command,
			    "ip netns exec 'web; rm -rf /' ip route get 198.51.100.7");
	assert_int_equal(r.n_hints, 1);
	assert_string_equal(r.hints[0], "the way back to 198.51.100.7: via 192.0.2.254 dev veth0 "
			    "src 192.0.2.1; ask again: ip netns exec 'web; rm -rf /' ip route get "
			    "198.51.100.7");
}

static void test_hint_no_route_back(void **state)
{
	struct wr_refusal r;
	struct wr_route rt = { .error = ENETUNREACH };
	char prefix[64];

	refusal(&r, WR_CAUSE_OTHER_DROP, "IP_RPFILTER");
	wr_route_ns_prefix(NULL, 4242, false, prefix, sizeof(prefix));
	wr_route_back_fill(&r, &rt, NULL, prefix);
	wr_route_back_words(&r);
	assert_int_equal(r.route_back.error, ENETUNREACH);
	assert_string_equal(r.route_back.command, "nsenter -t 4242 -n ip route get 198.51.100.7");
	assert_non_null(strstr(r.hints[0], "no route (network unreachable)"));
	wr_route_ns_prefix("blue", 1, true, prefix, sizeof(prefix));
	assert_string_equal(prefix, "");
}

static void test_rp_filter_strict_and_the_other_way(void **state)
{
	struct wr_refusal r;
	struct wr_route rt = { .oif = 4 };

	refusal(&r, WR_CAUSE_OTHER_DROP, "IP_RPFILTER");
	wr_route_back_fill(&r, &rt, "wr-s2", "ip netns exec web ");
	wr_route_rp_filter_fill(&r, 0, 1, "eth0.100", "ip netns exec web ");
	wr_route_back_words(&r);
	assert_int_equal(r.route_back.rp_filter, 1);	/* the larger of all and the device */
	assert_string_equal(r.route_back.in_dev, "eth0.100");
	assert_int_equal(r.n_hints, 2);
	assert_string_equal(r.hints[1], "rp_filter in force on eth0.100: 1 (strict; "
			    "net.ipv4.conf.all.rp_filter = 0, its own 1): the way back leaves by "
			    "wr-s2, not by eth0.100; loose mode accepts a SYN any route leads back to: "
			    "ip netns exec web sysctl -w net/ipv4/conf/eth0.100/rp_filter=2");
	/* all = 2 wins over the device's 1: loose, and said so. */
	refusal(&r, WR_CAUSE_OTHER_DROP, "IP_RPFILTER");
	wr_route_rp_filter_fill(&r, 2, 1, "eth0", "");
	wr_route_back_words(&r);
	assert_int_equal(r.route_back.rp_filter, 2);
	assert_non_null(strstr(r.hints[0], ": 2 (loose;"));
	/* Neither sysctl read: no hint. */
	refusal(&r, WR_CAUSE_OTHER_DROP, "IP_RPFILTER");
	wr_route_rp_filter_fill(&r, -1, -1, "eth0", "");
	wr_route_back_words(&r);
	assert_int_equal(r.n_hints, 0);
}

static void test_wanted_only_where_the_way_back_matters(void **state)
{
	struct wr_refusal r;

	refusal(&r, WR_CAUSE_HANDSHAKE_INCOMPLETE, "SYNACK_UNACKED");
	assert_true(wr_route_back_wanted(&r));
	refusal(&r, WR_CAUSE_OTHER_DROP, "IP_RPFILTER");
	assert_true(wr_route_back_wanted(&r));
	refusal(&r, WR_CAUSE_OTHER_DROP, "TC_INGRESS");
	assert_false(wr_route_back_wanted(&r));
	refusal(&r, WR_CAUSE_NO_LISTENER, "NO_SOCKET");
	assert_false(wr_route_back_wanted(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_asks_for_the_client),
		cmocka_unit_test(test_parse_gateway_device_source),
		cmocka_unit_test(test_parse_error_and_unreachable),
		cmocka_unit_test(test_hint_names_the_way_and_the_command),
		cmocka_unit_test(test_hint_no_route_back),
		cmocka_unit_test(test_rp_filter_strict_and_the_other_way),
		cmocka_unit_test(test_wanted_only_where_the_way_back_matters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
