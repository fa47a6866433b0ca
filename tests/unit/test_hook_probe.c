// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hook choice and kernel enum names from BTF built here in the shape of
 * real kernels: 6.18 (this machine), 6.1 (Debian 12) and 5.10 (too old).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/btf.h>

#include "hooks.h"
#include "kernel_names.h"

/* typedef void (*btf_trace_<name>)(void *, <nargs pointer args>); */
static void add_tracepoint(struct btf *btf, const char *name, int nargs)
{
	char tname[64];
	int vptr = btf__add_ptr(btf, 0);
	int proto = btf__add_func_proto(btf, 0);
	int i;

	btf__add_func_param(btf, "__data", vptr);
	for (i = 0; i < nargs; i++)
		btf__add_func_param(btf, "", vptr);
	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	btf__add_typedef(btf, tname, btf__add_ptr(btf, proto));
}

static void add_enum(struct btf *btf, const char *name, const char *const *names,
		     const int *values, int n)
{
	int i;

	btf__add_enum(btf, name, 4);
	for (i = 0; i < n; i++)
		btf__add_enum_value(btf, names[i], values[i]);
}

/* kfree_skb arguments, tcp_send_reset arguments (0: absent), drop reasons. */
static struct btf *kernel_btf(int kfree_args, int reset_args, bool has_rst_reason,
			      bool has_netfilter_drop)
{
	static const char *const drops[] = { "SKB_DROP_REASON_NOT_SPECIFIED",
					     "SKB_DROP_REASON_NO_SOCKET",
					     "SKB_DROP_REASON_NETFILTER_DROP" };
	static const int drop_vals[] = { 2, 3, 12 };
	static const char *const rsts[] = { "SK_RST_REASON_NOT_SPECIFIED",
					    "SK_RST_REASON_NO_SOCKET" };
	static const int rst_vals[] = { 0, 1 };
	struct btf *btf = btf__new_empty();

	assert_non_null(btf);
	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	add_enum(btf, "skb_drop_reason", drops, drop_vals, has_netfilter_drop ? 3 : 2);
	if (has_rst_reason)
		add_enum(btf, "sk_rst_reason", rsts, rst_vals, 2);
	if (kfree_args)
		add_tracepoint(btf, "kfree_skb", kfree_args);
	if (reset_args)
		add_tracepoint(btf, "tcp_send_reset", reset_args);
	add_tracepoint(btf, "net_dev_queue", 1);
	add_tracepoint(btf, "inet_sock_set_state", 3);
	add_tracepoint(btf, "consume_skb", kfree_args >= 4 ? 2 : 1);
	return btf;
}

static void test_linux_6_18_uses_every_preferred_hook(void **state)
{
	struct btf *btf = kernel_btf(4, 3, true, true);
	struct wr_hook_plan plan;
	struct wr_start_info s = { 0 };
	char err[256];

	assert_int_equal(wr_hooks_probe(btf, &plan, err, sizeof(err)), 0);
	assert_true(plan.reset_tp);
	assert_true(plan.kfree_rx_sk);
	assert_true(plan.replies);
	assert_true(plan.listeners);
	assert_true(plan.unanswered);
	assert_null(plan.note);
	wr_hooks_describe(&plan, &s);
	assert_int_equal(s.n_hooks, 5);
	assert_string_equal(s.hooks[4].hook, "raw_tp/consume_skb");
	assert_string_equal(s.hooks[0].hook, "raw_tp/tcp_send_reset");
	btf__free(btf);
}

static void test_linux_6_1_falls_back_to_kfree_skb_no_socket(void **state)
{
	/* tcp_send_reset(sk, skb) without a reason; kfree_skb without rx_sk. */
	struct btf *btf = kernel_btf(3, 2, false, true);
	struct wr_hook_plan plan;
	struct wr_start_info s = { 0 };
	char err[256];

	assert_int_equal(wr_hooks_probe(btf, &plan, err, sizeof(err)), 0);
	assert_false(plan.reset_tp);
	assert_false(plan.kfree_rx_sk);
	assert_non_null(strstr(plan.note, "skb:kfree_skb NO_SOCKET"));
	wr_hooks_describe(&plan, &s);
	assert_string_equal(s.hooks[0].hook, "raw_tp/kfree_skb");
	assert_string_equal(s.fallback_note, plan.note);
	btf__free(btf);
}

static void test_reset_reason_enum_alone_is_not_enough(void **state)
{
	struct btf *btf = kernel_btf(4, 2, true, true);
	struct wr_hook_plan plan;
	char err[256];

	assert_int_equal(wr_hooks_probe(btf, &plan, err, sizeof(err)), 0);
	assert_false(plan.reset_tp);
	btf__free(btf);
}

static void test_kernel_without_drop_reasons_is_refused(void **state)
{
	struct btf *btf = kernel_btf(3, 2, false, false);
	struct wr_hook_plan plan;
	char err[256];

	assert_int_equal(wr_hooks_probe(btf, &plan, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NETFILTER_DROP needs Linux 5.18"));
	btf__free(btf);

	btf = kernel_btf(0, 0, false, true);	/* no kfree_skb tracepoint at all */
	assert_int_equal(wr_hooks_probe(btf, &plan, err, sizeof(err)), -1);
	btf__free(btf);
}

static void test_enum_names_are_read_without_prefix(void **state)
{
	struct btf *btf = kernel_btf(4, 3, true, true);
	struct wr_enum_table t;

	assert_int_equal(wr_enum_table_from_btf(btf, "skb_drop_reason", "SKB_DROP_REASON_", &t),
			 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(wr_enum_lookup(&t, 12), "NETFILTER_DROP");
	assert_string_equal(wr_enum_lookup(&t, 3), "NO_SOCKET");
	wr_enum_table_free(&t);
	assert_int_equal(wr_btf_enum_value(btf, "sk_rst_reason", "SK_RST_REASON_NO_SOCKET"), 1);
	assert_int_equal(wr_btf_enum_value(btf, "sk_rst_reason", "SK_RST_REASON_NOPE"), -1);
	assert_int_equal(wr_btf_enum_value(btf, "no_such_enum", "X"), -1);
	assert_int_equal(wr_enum_table_from_btf(btf, "no_such_enum", "X_", &t), 0);
	assert_int_equal(t.n, 0);
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_6_18_uses_every_preferred_hook),
		cmocka_unit_test(test_linux_6_1_falls_back_to_kfree_skb_no_socket),
		cmocka_unit_test(test_reset_reason_enum_alone_is_not_enough),
		cmocka_unit_test(test_kernel_without_drop_reasons_is_refused),
		cmocka_unit_test(test_enum_names_are_read_without_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
