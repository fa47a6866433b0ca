// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* NFT_MSG_TRACE messages recorded from the kernel, decoded. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "nft_trace.h"
#include "nftrace_recorded.h"

static struct wr_nft_trace decode(size_t i)
{
	struct wr_nft_trace t;

	assert_int_equal(wr_nft_trace_decode((const struct nlmsghdr *)trace_msgs[i].p, &t), 0);
	return t;
}

static void test_first_message_of_a_hook_carries_the_packet(void **state)
{
	struct wr_nft_trace t = decode(0);
	uint8_t client[4], server[4];
	char buf[64];

	inet_pton(AF_INET, "192.0.2.2", client);
	inet_pton(AF_INET, "192.0.2.1", server);
	assert_true(t.has_flow);
	assert_int_equal(t.ip_family, AF_INET);
	assert_memory_equal(t.saddr, client, 4);
	assert_memory_equal(t.daddr, server, 4);
	assert_int_equal(t.sport, 52440);
	assert_int_equal(t.dport, 22);
	assert_int_equal(t.family, NFPROTO_INET);
	assert_string_equal(t.table, "wrfw");
	assert_string_equal(t.chain, "pre");
	assert_int_equal(t.type, NFT_TRACETYPE_RULE);
	assert_string_equal(wr_nft_verdict_name(&t, buf, sizeof(buf)), "continue");
}

static void test_policy_message(void **state)
{
	struct wr_nft_trace t = decode(2);

	assert_int_equal(t.type, NFT_TRACETYPE_POLICY);
	assert_int_equal(t.verdict, NF_ACCEPT);
	assert_int_equal(t.handle, 0);
	assert_false(t.has_flow);	/* headers went with the hook's first message */
}

static void test_jump_then_drop_in_the_jumped_to_chain(void **state)
{
	struct wr_nft_trace jump = decode(3), drop = decode(4);
	char buf[64];

	assert_string_equal(jump.chain, "input");
	assert_int_equal(jump.verdict, NFT_JUMP);
	assert_string_equal(wr_nft_verdict_name(&jump, buf, sizeof(buf)), "jump ssh_rules");
	assert_true(jump.has_flow);	/* a new hook: headers again */

	assert_string_equal(drop.chain, "ssh_rules");
	assert_int_equal(drop.type, NFT_TRACETYPE_RULE);
	assert_int_equal(drop.verdict, NF_DROP);
	assert_int_equal(drop.handle, 6);
	assert_int_equal(drop.id, jump.id);	/* how the drop is tied to its packet */
	assert_false(drop.has_flow);
}

static void test_other_messages_are_refused(void **state)
{
	unsigned char copy[256] __attribute__((aligned(4)));
	struct nlmsghdr *h = (struct nlmsghdr *)copy;
	struct wr_nft_trace t;

	memcpy(copy, trace_msgs[4].p, trace_msgs[4].len);
	h->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;
	assert_int_equal(wr_nft_trace_decode(h, &t), -1);
	h->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE;
	h->nlmsg_len = NLMSG_LENGTH(1);	/* shorter than nfgenmsg */
	assert_int_equal(wr_nft_trace_decode(h, &t), -1);
}

static void test_verdict_names(void **state)
{
	struct wr_nft_trace t = { .verdict = NFT_GOTO };
	char buf[64];

	strcpy(t.jump, "x");
	assert_string_equal(wr_nft_verdict_name(&t, buf, sizeof(buf)), "goto x");
	t.verdict = NFT_RETURN;
	assert_string_equal(wr_nft_verdict_name(&t, buf, sizeof(buf)), "return");
	t.verdict = 77;
	assert_string_equal(wr_nft_verdict_name(&t, buf, sizeof(buf)), "verdict 77");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_message_of_a_hook_carries_the_packet),
		cmocka_unit_test(test_policy_message),
		cmocka_unit_test(test_jump_then_drop_in_the_jumped_to_chain),
		cmocka_unit_test(test_other_messages_are_refused),
		cmocka_unit_test(test_verdict_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
