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
#include "on_demand.h"
#include "kernel_names.h"
#include "whyrefused.h"

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
	add_tracepoint(btf, "sched_process_exit", 1);
	add_tracepoint(btf, "signal_generate", 5);
	add_tracepoint(btf, "sched_process_exec", 3);
	return btf;
}

#define ALL_FNS ((1u << WR_FN_MAX) - 1)

/* This machine: tracepoints only (fentry refused, no kprobes). */
static const struct wr_kernel_caps tracepoints_only = { .callable = ALL_FNS, .btf = ALL_FNS };
/* Debian 12's 6.1: fentry and kprobes, every function hookable. */
static const struct wr_kernel_caps everything = { .fentry = true, .kprobe = true,
						  .callable = ALL_FNS, .btf = ALL_FNS };

static struct wr_hook_plan plan_for(struct btf *btf, const struct wr_kernel_caps *caps,
				    enum wr_backend backend)
{
	struct wr_hook_plan plan;
	char err[256];

	assert_int_equal(wr_hooks_plan(btf, caps, backend, &plan, err, sizeof(err)), 0);
	return plan;
}

static void test_linux_6_18_tracepoints_only(void **state)
{
	struct btf *btf = kernel_btf(4, 3, true, true);
	struct wr_hook_plan plan = plan_for(btf, &tracepoints_only, WR_BACKEND_AUTO);
	struct wr_start_info s = { 0 };

	assert_int_equal(plan.reset, WR_ATTACH_TRACEPOINT);
	assert_int_equal(plan.backlog, WR_ATTACH_TRACEPOINT);
	assert_int_equal(plan.verdict, WR_ATTACH_NONE);
	assert_true(plan.kfree_rx_sk);
	assert_true(plan.replies);
	assert_true(plan.listeners);
	assert_int_equal(plan.n_notes, 0);
	wr_hooks_describe(&plan, &s);
	assert_true(plan.process_ends);
	assert_int_equal(s.n_hooks, 6);
	assert_string_equal(s.hooks[0].hook, "tp_btf/tcp_send_reset");
	assert_string_equal(s.hooks[4].signal, "process_ends");
	assert_string_equal(s.hooks[5].hook, "tp_btf/consume_skb");
	assert_string_equal(s.backend, "auto");
	assert_string_equal(wr_hooks_source_name(&plan, WR_SRC_TCP_SEND_RESET, WR_AF_INET),
			    "tcp:tcp_send_reset");
	btf__free(btf);
}

static void test_linux_6_1_auto_prefers_fentry(void **state)
{
	/* tcp_send_reset(sk, skb) without a reason; kfree_skb without rx_sk. */
	struct btf *btf = kernel_btf(3, 2, false, true);
	struct wr_hook_plan plan = plan_for(btf, &everything, WR_BACKEND_AUTO);
	struct wr_start_info s = { 0 };

	assert_int_equal(plan.reset, WR_ATTACH_FENTRY);
	assert_int_equal(plan.backlog, WR_ATTACH_FENTRY);
	assert_int_equal(plan.verdict, WR_ATTACH_FENTRY);
	assert_int_equal(plan.verdict_fns, WR_FN_BIT(WR_FN_NFT_DO_CHAIN) |
			 WR_FN_BIT(WR_FN_IPT_DO_TABLE) | WR_FN_BIT(WR_FN_IP6T_DO_TABLE));
	assert_false(plan.kfree_rx_sk);
	assert_int_equal(plan.n_notes, 0);
	wr_hooks_describe(&plan, &s);
	assert_string_equal(s.hooks[0].hook, "fentry/tcp_v4_send_reset+tcp_v6_send_reset");
	assert_string_equal(s.hooks[2].signal, "verdicts");
	assert_string_equal(s.hooks[2].hook, "fentry+fexit/nft_do_chain+ipt_do_table+ip6t_do_table");
	assert_string_equal(s.hooks[6].hook,
			    "fentry/tcp_conn_request+tcp_v4_syn_recv_sock+tcp_v6_syn_recv_sock");
	assert_string_equal(wr_hooks_source_name(&plan, WR_SRC_SEND_RESET_FN, WR_AF_INET6),
			    "fentry/tcp_v6_send_reset");
	assert_string_equal(wr_hooks_source_name(&plan, WR_SRC_SYN_RECV_SOCK, WR_AF_INET),
			    "fentry/tcp_v4_syn_recv_sock");
	assert_true(plan.kprobe_standby);

	/* 6.1 refuses fentry on tcp_v4_syn_recv_sock (ENOTSUPP): its kprobe twin. */
	plan.fn[WR_FN_TCP_V4_SYN_RECV_SOCK] = WR_ATTACH_KPROBE;
	wr_hooks_describe(&plan, &s);
	assert_string_equal(s.hooks[6].hook, "fentry/tcp_conn_request+kprobe/tcp_v4_syn_recv_sock"
			    "+fentry/tcp_v6_syn_recv_sock");
	assert_string_equal(wr_hooks_source_name(&plan, WR_SRC_SYN_RECV_SOCK, WR_AF_INET),
			    "kprobe/tcp_v4_syn_recv_sock");
	btf__free(btf);
}

static void test_linux_6_1_each_backend_forced(void **state)
{
	struct btf *btf = kernel_btf(3, 2, false, true);
	struct wr_hook_plan plan = plan_for(btf, &everything, WR_BACKEND_KPROBE);
	struct wr_start_info s = { 0 };

	assert_int_equal(plan.reset, WR_ATTACH_KPROBE);
	assert_int_equal(plan.backlog, WR_ATTACH_KPROBE);
	assert_int_equal(plan.verdict, WR_ATTACH_KPROBE);
	wr_hooks_describe(&plan, &s);
	assert_string_equal(s.hooks[2].hook, "kprobe+kretprobe/nft_do_chain+ipt_do_table+ip6t_do_table");
	assert_string_equal(s.backend, "kprobe");
	assert_string_equal(wr_hooks_source_name(&plan, WR_SRC_CONN_REQUEST, WR_AF_INET),
			    "kprobe/tcp_conn_request");

	/* Tracepoints on 6.1: tcp_send_reset has no no-socket reason yet. */
	plan = plan_for(btf, &everything, WR_BACKEND_TRACEPOINT);
	assert_int_equal(plan.reset, WR_ATTACH_NONE);
	assert_int_equal(plan.backlog, WR_ATTACH_TRACEPOINT);
	assert_int_equal(plan.verdict, WR_ATTACH_NONE);
	assert_int_equal(plan.n_notes, 1);
	assert_non_null(strstr(plan.notes[0], "skb:kfree_skb NO_SOCKET"));
	wr_hooks_describe(&plan, &s);
	assert_string_equal(s.hooks[0].hook, "tp_btf/kfree_skb");
	assert_string_equal(s.notes[0], plan.notes[0]);
	btf__free(btf);
}

static void test_forced_backend_the_kernel_refuses_is_an_error(void **state)
{
	struct btf *btf = kernel_btf(4, 3, true, true);
	struct wr_hook_plan plan;
	char err[256];

	assert_int_equal(wr_hooks_plan(btf, &tracepoints_only, WR_BACKEND_FENTRY, &plan, err,
				       sizeof(err)), -1);
	assert_non_null(strstr(err, "--backend fentry: this kernel refuses fentry programs"));
	assert_int_equal(wr_hooks_plan(btf, &tracepoints_only, WR_BACKEND_KPROBE, &plan, err,
				       sizeof(err)), -1);
	assert_non_null(strstr(err, "--backend kprobe: this kernel has no kprobes"));
	btf__free(btf);
}

static void test_missing_functions_fall_back_per_signal(void **state)
{
	struct btf *btf = kernel_btf(3, 2, false, true);
	/* tcp_v6_send_reset inlined; only nf_tables loaded; fentry refused. */
	struct wr_kernel_caps caps = {
		.kprobe = true,
		.callable = ALL_FNS & ~(WR_FN_BIT(WR_FN_TCP_V6_SEND_RESET) |
					WR_FN_BIT(WR_FN_IPT_DO_TABLE) |
					WR_FN_BIT(WR_FN_IP6T_DO_TABLE)),
		.btf = ALL_FNS,
	};
	struct wr_hook_plan plan = plan_for(btf, &caps, WR_BACKEND_KPROBE);

	assert_int_equal(plan.reset, WR_ATTACH_NONE);	/* both or neither */
	assert_int_equal(plan.backlog, WR_ATTACH_KPROBE);
	assert_int_equal(plan.verdict, WR_ATTACH_KPROBE);
	assert_int_equal(plan.verdict_fns, WR_FN_BIT(WR_FN_NFT_DO_CHAIN));
	assert_int_equal(plan.n_notes, 2);
	assert_non_null(strstr(plan.notes[1], "tcp_v4_send_reset/tcp_v6_send_reset cannot be hooked"));

	/*
	 * No verdict function at all (modules not loaded): no verdict hook, and
	 * the plan itself adds no note (main.c says which module is missing,
	 * from nf_modules.c; nf_late.c hooks it when it loads).
	 */
	caps.callable &= ~WR_FN_BIT(WR_FN_NFT_DO_CHAIN);
	plan = plan_for(btf, &caps, WR_BACKEND_AUTO);
	assert_int_equal(plan.verdict, WR_ATTACH_NONE);
	assert_int_equal(plan.verdict_fns, 0);
	for (size_t i = 0; i < plan.n_notes; i++)
		assert_null(strstr(plan.notes[i], "nft_do_chain"));
	btf__free(btf);
}

static void test_kernel_without_drop_reasons_is_refused(void **state)
{
	struct btf *btf = kernel_btf(3, 2, false, false);
	struct wr_hook_plan plan;
	char err[256];

	assert_int_equal(wr_hooks_plan(btf, &everything, WR_BACKEND_AUTO, &plan, err,
				       sizeof(err)), -1);
	assert_non_null(strstr(err, "NETFILTER_DROP needs Linux 5.18"));
	btf__free(btf);

	btf = kernel_btf(0, 0, false, true);	/* no kfree_skb tracepoint at all */
	assert_int_equal(wr_hooks_plan(btf, &everything, WR_BACKEND_AUTO, &plan, err,
				       sizeof(err)), -1);
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

/*
 * The default on 6.18: nothing per packet or per connection at start;
 * net_dev_queue and consume_skb on demand; icmp_send where it exists.
 */
static void test_default_keeps_only_what_refused_syns_pass(void **state)
{
	struct btf *btf = kernel_btf(4, 3, true, true);
	struct wr_hook_plan plan = plan_for(btf, &tracepoints_only, WR_BACKEND_AUTO);
	struct wr_start_info s = { 0 };
	size_t i;

	wr_hooks_default(btf, &plan);
	assert_true(plan.default_mode);
	assert_int_equal(plan.on_demand, WR_OD_REPLIES | WR_OD_BACKLOG);
	assert_false(plan.replies);
	assert_false(plan.listeners);
	assert_int_equal(plan.backlog, WR_ATTACH_NONE);
	assert_false(plan.icmp_replies);	/* this BTF has no icmp_send */
	assert_int_equal(plan.reset, WR_ATTACH_TRACEPOINT);
	wr_hooks_describe(&plan, &s);
	assert_string_equal(s.mode, "default");
	/* no_socket, drops, process ends (once per process), and what is on demand. */
	assert_int_equal(s.n_hooks, 4);
	assert_string_equal(s.hooks[3].signal, "on_demand");
	assert_string_equal(s.hooks[3].hook, "tp_btf/net_dev_queue,tp_btf/consume_skb");
	assert_true(plan.process_ends);
	for (i = 0; i < s.n_notes; i++)
		if (strstr(s.notes[i], "firewall_blocked on its first SYN (no icmp:icmp_send"))
			break;
	assert_true(i < s.n_notes);
	btf__free(btf);

	btf = kernel_btf(4, 3, true, true);
	add_tracepoint(btf, "icmp_send", 3);
	plan = plan_for(btf, &tracepoints_only, WR_BACKEND_AUTO);
	wr_hooks_default(btf, &plan);
	assert_true(plan.icmp_replies);
	wr_hooks_describe(&plan, &s);
	assert_int_equal(s.n_hooks, 5);
	assert_string_equal(s.hooks[2].hook, "tp_btf/icmp_send");
	btf__free(btf);
}

/*
 * The default on 6.1: nothing per connection or per packet at start either.
 * The accept-queue function hooks (a call each per connection) attach on
 * demand, alone (they need no replies); the rule evaluators, run for every
 * packet through each base chain, are not hooked (--all-hooks does both).
 */
static void test_default_keeps_function_hooks_for_backlog(void **state)
{
	struct btf *btf = kernel_btf(3, 3, false, true);
	struct wr_hook_plan plan = plan_for(btf, &everything, WR_BACKEND_AUTO);
	struct wr_start_info s = { 0 };
	size_t i;

	assert_int_equal(plan.verdict, WR_ATTACH_FENTRY);	/* what --all-hooks keeps */
	wr_hooks_default(btf, &plan);
	assert_int_equal(plan.backlog, WR_ATTACH_NONE);		/* not attached at start */
	assert_int_equal(plan.backlog_fn, WR_ATTACH_FENTRY);	/* but on demand */
	assert_int_equal(plan.on_demand, WR_OD_REPLIES | WR_OD_BACKLOG);
	assert_false(plan.listen_overflow_reason);
	assert_int_equal(wr_hooks_backlog_fns(&plan), (1u << WR_FN_TCP_CONN_REQUEST) |
			 (1u << WR_FN_TCP_V4_SYN_RECV_SOCK) | (1u << WR_FN_TCP_V6_SYN_RECV_SOCK));
	assert_true(plan.reject_kprobes);	/* REJECT answers where they are sent */
	assert_int_equal(plan.verdict, WR_ATTACH_NONE);
	assert_int_equal(plan.verdict_fns, 0);
	assert_int_equal(plan.fn[WR_FN_NFT_DO_CHAIN], WR_ATTACH_NONE);
	assert_int_equal(plan.fn[WR_FN_IPT_DO_TABLE], WR_ATTACH_NONE);
	assert_int_equal(plan.fn[WR_FN_TCP_CONN_REQUEST], WR_ATTACH_FENTRY);
	wr_hooks_describe(&plan, &s);
	for (i = 0; i < s.n_hooks; i++) {
		assert_string_not_equal(s.hooks[i].signal, "verdicts");
		assert_string_not_equal(s.hooks[i].signal, "backlog");
	}
	assert_string_equal(s.hooks[s.n_hooks - 1].signal, "on_demand");
	assert_string_equal(s.hooks[s.n_hooks - 1].hook, "tp_btf/net_dev_queue,fentry/"
			    "tcp_conn_request+tcp_v4_syn_recv_sock+tcp_v6_syn_recv_sock");
	for (i = 0; i < s.n_notes; i++)
		if (strstr(s.notes[i], "rule evaluators are not hooked"))
			break;
	assert_true(i < s.n_notes);
	btf__free(btf);

	/* --backend tracepoint: no function hooks at all, the REJECT kprobes neither. */
	btf = kernel_btf(3, 3, false, true);
	plan = plan_for(btf, &everything, WR_BACKEND_TRACEPOINT);
	wr_hooks_default(btf, &plan);
	assert_false(plan.reject_kprobes);
	assert_false(plan.replies);
	assert_false(plan.listeners);
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_6_18_tracepoints_only),
		cmocka_unit_test(test_linux_6_1_auto_prefers_fentry),
		cmocka_unit_test(test_linux_6_1_each_backend_forced),
		cmocka_unit_test(test_forced_backend_the_kernel_refuses_is_an_error),
		cmocka_unit_test(test_missing_functions_fall_back_per_signal),
		cmocka_unit_test(test_kernel_without_drop_reasons_is_refused),
		cmocka_unit_test(test_enum_names_are_read_without_prefix),
		cmocka_unit_test(test_default_keeps_only_what_refused_syns_pass),
		cmocka_unit_test(test_default_keeps_function_hooks_for_backlog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
