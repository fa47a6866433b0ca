// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Command line, port lists, CIDRs and durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "cli.h"

static struct wr_options opts;
static char err[256];

static enum wr_cli_result parse(int argc, char **argv)
{
	FILE *devnull = fopen("/dev/null", "w");
	enum wr_cli_result r;

	err[0] = '\0';
	r = wr_parse_args(argc, argv, &opts, devnull, err, sizeof(err));
	fclose(devnull);
	return r;
}

#define PARSE(...) ({ char *a[] = { "whyrefused", __VA_ARGS__ }; \
		      parse((int)(sizeof(a) / sizeof(a[0])), a); })

static void test_defaults(void **state)
{
	assert_int_equal(PARSE(), WR_CLI_RUN);
	assert_false(opts.json);
	assert_int_equal(opts.n_ports, 0);
	assert_int_equal(opts.n_srcs, 0);
	assert_int_equal(opts.duration_ms, 0);
	assert_int_equal(opts.fold_window_ms, 10000);
	assert_int_equal(opts.color, WR_COLOR_AUTO);
	assert_null(opts.btf_path);
	assert_true(opts.trace);
	assert_int_equal(opts.backend, WR_BACKEND_AUTO);
	assert_false(opts.probe);
	assert_false(opts.all_hooks);
	assert_int_equal(opts.rate_limit, 1000);
}

static void test_backend(void **state)
{
	assert_int_equal(PARSE("--backend", "kprobe", "--probe"), WR_CLI_RUN);
	assert_int_equal(opts.backend, WR_BACKEND_KPROBE);
	assert_true(opts.probe);
	assert_false(opts.all_hooks);
	/* 0.1's --light is the default mode now; no release promised the flag. */
	assert_int_equal(PARSE("--light"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--all-hooks"), WR_CLI_RUN);
	assert_true(opts.all_hooks);
	assert_int_equal(PARSE("--all-hooks=1"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--on-demand-for", "10m"), WR_CLI_RUN);
	assert_int_equal(opts.on_demand_ms, 600000);
	assert_int_equal(PARSE("--on-demand-for", "500ms"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--on-demand-for", "soon"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--backend=fentry"), WR_CLI_RUN);
	assert_int_equal(opts.backend, WR_BACKEND_FENTRY);
	assert_int_equal(PARSE("--backend", "tracepoint"), WR_CLI_RUN);
	assert_int_equal(opts.backend, WR_BACKEND_TRACEPOINT);
	assert_int_equal(PARSE("--backend", "ebpf"), WR_CLI_USAGE);
	assert_string_equal(err, "invalid --backend 'ebpf' (auto, fentry, kprobe or tracepoint)");
	assert_int_equal(PARSE("--backend"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--rate-limit", "0"), WR_CLI_RUN);
	assert_int_equal(opts.rate_limit, 0);
	assert_int_equal(PARSE("--rate-limit", "250"), WR_CLI_RUN);
	assert_int_equal(opts.rate_limit, 250);
	assert_int_equal(PARSE("--rate-limit", "-5"), WR_CLI_USAGE);
	assert_string_equal(err, "invalid --rate-limit '-5' (events per second, 0-10000000; "
			    "0: no limit)");
	assert_int_equal(PARSE("--rate-limit", "lots"), WR_CLI_USAGE);
	assert_int_equal(PARSE("-n", "blue", "--netns", "4026532177"), WR_CLI_RUN);
	assert_int_equal(opts.n_netns, 2);
	assert_string_equal(opts.netns[1], "4026532177");
	assert_int_equal(PARSE("--netns", ""), WR_CLI_USAGE);
	assert_int_equal(PARSE("-o", "/var/log/wr.json", "--stats-interval", "1m"), WR_CLI_RUN);
	assert_string_equal(opts.output, "/var/log/wr.json");
	assert_int_equal(opts.stats_interval_ms, 60000);
	assert_int_equal(PARSE("--stats-interval", "10ms"), WR_CLI_USAGE);
	assert_string_equal(err, "invalid --stats-interval '10ms' (at least 100ms, e.g. 10s, 1m)");
	assert_int_equal(PARSE("--output", ""), WR_CLI_USAGE);
	assert_string_equal(wr_backend_name(WR_BACKEND_AUTO), "auto");
	assert_null(wr_backend_name((enum wr_backend)9));
}

static void test_all_options(void **state)
{
	assert_int_equal(PARSE("-j", "-p", "22", "--port", "80,443", "-s", "192.0.2.0/24",
			       "--src=2001:db8::/32", "-d", "500ms", "--fold-window", "2",
			       "--color", "never", "--btf", "/tmp/x", "-v", "--no-trace"), WR_CLI_RUN);
	assert_false(opts.trace);
	assert_true(opts.json);
	assert_true(opts.verbose);
	assert_int_equal(opts.n_ports, 3);
	assert_int_equal(opts.ports[0], 22);
	assert_int_equal(opts.ports[2], 443);
	assert_int_equal(opts.n_srcs, 2);
	assert_int_equal(opts.srcs[1].family, AF_INET6);
	assert_int_equal(opts.duration_ms, 500);
	assert_int_equal(opts.fold_window_ms, 2000);
	assert_int_equal(opts.color, WR_COLOR_NEVER);
	assert_string_equal(opts.btf_path, "/tmp/x");
}

static void test_help_and_version_end_the_run(void **state)
{
	assert_int_equal(PARSE("--help"), WR_CLI_DONE);
	assert_int_equal(PARSE("-V"), WR_CLI_DONE);
}

static void test_usage_errors(void **state)
{
	assert_int_equal(PARSE("--nope"), WR_CLI_USAGE);
	assert_string_equal(err, "unknown option '--nope' (see --help)");
	assert_int_equal(PARSE("-p"), WR_CLI_USAGE);
	assert_string_equal(err, "option '-p' needs a value (see --help)");
	assert_int_equal(PARSE("stray"), WR_CLI_USAGE);
	assert_string_equal(err, "unexpected argument 'stray' (see --help)");
	assert_int_equal(PARSE("--color", "sometimes"), WR_CLI_USAGE);
	assert_int_equal(PARSE("-d", "0"), WR_CLI_USAGE);
	assert_int_equal(PARSE("-d", "-1"), WR_CLI_USAGE);
	assert_int_equal(PARSE("-d", "10x"), WR_CLI_USAGE);
}

static void test_ports(void **state)
{
	wr_options_default(&opts);
	assert_int_equal(wr_parse_ports("8000-8003,22,8001", &opts, err, sizeof(err)), 0);
	assert_int_equal(opts.n_ports, 5);	/* 8001 not repeated */
	assert_int_equal(opts.ports[4], 22);

	const char *bad[] = { "0", "65536", "-1", "ssh", "22,", ",22", "1-", "5-3", "22 ", "",
			      "0x16", "+22" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wr_options_default(&opts);
		err[0] = '\0';
		assert_int_equal(wr_parse_ports(bad[i], &opts, err, sizeof(err)), -1);
		assert_true(strlen(err) > 0);
	}
	wr_options_default(&opts);
	assert_int_equal(wr_parse_ports("65535", &opts, err, sizeof(err)), 0);
}

static void test_port_cap(void **state)
{
	wr_options_default(&opts);
	assert_int_equal(wr_parse_ports("1-1024", &opts, err, sizeof(err)), 0);
	assert_int_equal(opts.n_ports, WR_MAX_PORTS);
	assert_int_equal(wr_parse_ports("2000", &opts, err, sizeof(err)), -1);
	assert_string_equal(err, "too many ports (at most 1024)");
}

static void test_cidr_v4(void **state)
{
	struct wr_cidr c;
	const uint8_t masked[4] = { 192, 0, 2, 0 };

	assert_int_equal(wr_parse_cidr("192.0.2.77/24", &c, err, sizeof(err)), 0);
	assert_int_equal(c.family, AF_INET);
	assert_int_equal(c.prefixlen, 24);
	assert_memory_equal(c.addr, masked, 4);
	assert_int_equal(wr_parse_cidr("198.51.100.7", &c, err, sizeof(err)), 0);
	assert_int_equal(c.prefixlen, 32);
	assert_int_equal(wr_parse_cidr("0.0.0.0/0", &c, err, sizeof(err)), 0);
	assert_int_equal(c.prefixlen, 0);
	assert_int_equal(wr_parse_cidr("192.0.2.1/20", &c, err, sizeof(err)), 0);
	assert_int_equal(c.addr[2], 0);
}

static void test_cidr_v6(void **state)
{
	struct wr_cidr c;

	assert_int_equal(wr_parse_cidr("2001:db8:ffff::1/33", &c, err, sizeof(err)), 0);
	assert_int_equal(c.family, AF_INET6);
	assert_int_equal(c.prefixlen, 33);
	assert_int_equal(c.addr[3], 0xb8);
	assert_int_equal(c.addr[4], 0x80);	/* one bit of ffff kept */
	assert_int_equal(c.addr[5], 0);
	assert_int_equal(c.addr[15], 0);
	assert_int_equal(wr_parse_cidr("::1", &c, err, sizeof(err)), 0);
	assert_int_equal(c.prefixlen, 128);
	assert_int_equal(c.addr[15], 1);
}

static void test_cidr_errors(void **state)
{
	struct wr_cidr c;
	const char *bad[] = { "", "/24", "192.0.2.0/", "192.0.2.0/33", "192.0.2/24",
			      "2001:db8::/129", "192.0.2.0/-1", "host.example", "1.2.3.4/2x",
			      "2001:db8::/64/1" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(wr_parse_cidr(bad[i], &c, err, sizeof(err)), -1);
	wr_parse_cidr("192.0.2.0/33", &c, err, sizeof(err));
	assert_string_equal(err, "invalid prefix length in '192.0.2.0/33' (0-32)");
	wr_parse_cidr("nope", &c, err, sizeof(err));
	assert_string_equal(err, "invalid address or CIDR 'nope'");
}

static void test_durations(void **state)
{
	uint64_t ms;

	assert_int_equal(wr_parse_duration_ms("10", &ms), 0);
	assert_int_equal(ms, 10000);
	assert_int_equal(wr_parse_duration_ms("2.5", &ms), 0);
	assert_int_equal(ms, 2500);
	assert_int_equal(wr_parse_duration_ms("250ms", &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(wr_parse_duration_ms("3s", &ms), 0);
	assert_int_equal(ms, 3000);
	assert_int_equal(wr_parse_duration_ms("2m", &ms), 0);
	assert_int_equal(ms, 120000);
	assert_int_equal(wr_parse_duration_ms("1h", &ms), 0);
	assert_int_equal(ms, 3600000);
	assert_int_equal(wr_parse_duration_ms("0.0001", &ms), -1);
	assert_int_equal(wr_parse_duration_ms("", &ms), -1);
	assert_int_equal(wr_parse_duration_ms("1d", &ms), -1);
	assert_int_equal(wr_parse_duration_ms("nan", &ms), -1);
	assert_int_equal(wr_parse_duration_ms("inf", &ms), -1);
}

/* --journal: not with --output, another destination. */
static void test_journal_option(void **state)
{
	assert_int_equal(PARSE("--journal", "-p", "22"), WR_CLI_RUN);
	assert_true(opts.journal);
	/* With --json (the unit's ExecStart has it): parsed; main sets --json aside. */
	assert_int_equal(PARSE("--journal", "--json"), WR_CLI_RUN);
	assert_true(opts.journal && opts.json);
	assert_int_equal(PARSE("-o", "/tmp/x", "--journal"), WR_CLI_USAGE);
	assert_string_equal(err, "--journal and --output are two destinations: choose one");
	assert_int_equal(PARSE("--journal=yes"), WR_CLI_USAGE);
	assert_false(PARSE() != WR_CLI_RUN || opts.journal);
}

static void test_metrics_options(void **state)
{
	struct wr_sockaddr a;

	assert_int_equal(PARSE("--metrics", "127.0.0.1:9464", "--metrics-file", "/x.prom"),
			 WR_CLI_RUN);
	assert_true(opts.metrics);
	assert_int_equal(opts.metrics_addr.family, AF_INET);
	assert_int_equal(opts.metrics_addr.port, 9464);
	assert_memory_equal(opts.metrics_addr.addr, "\x7f\0\0\x01", 4);
	assert_string_equal(opts.metrics_file, "/x.prom");

	assert_int_equal(wr_parse_sockaddr("[::1]:80", &a, err, sizeof(err)), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.port, 80);
	assert_int_equal(a.addr[15], 1);

	/* No port, port 0 or too big, a name, brackets missing or unbalanced. */
	assert_int_equal(PARSE("--metrics", "127.0.0.1"), WR_CLI_USAGE);
	assert_string_equal(err, "invalid address '127.0.0.1' (expected ADDR:PORT, e.g. "
			    "127.0.0.1:9464 or [::1]:9464)");
	assert_int_equal(PARSE("--metrics", "127.0.0.1:0"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--metrics", "127.0.0.1:65536"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--metrics", "localhost:9464"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--metrics", "::1:9464"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--metrics", "[::1:9464"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--metrics", ":9464"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--metrics", "127.0.0.1:94x"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--metrics-file", ""), WR_CLI_USAGE);
	assert_false(PARSE() != WR_CLI_RUN || opts.metrics || opts.metrics_file);
}

static void test_client_options(void **state)
{
	assert_int_equal(PARSE(), WR_CLI_RUN);
	assert_null(opts.client);
	assert_int_equal(opts.client_timeout_ms, 10000);
	assert_int_equal(opts.max_hops, 16);
	assert_int_equal(PARSE("--client", "192.0.2.10:22", "--timeout", "2s", "--max-hops", "4",
			       "--json"), WR_CLI_RUN);
	assert_string_equal(opts.client, "192.0.2.10:22");
	assert_int_equal(opts.client_timeout_ms, 2000);
	assert_int_equal(opts.max_hops, 4);
	assert_true(opts.json);
	assert_int_equal(PARSE("--client=[2001:db8::1]:22"), WR_CLI_RUN);
	assert_int_equal(PARSE("--client", "server.example:2222", "--max-hops", "0"), WR_CLI_RUN);
	assert_int_equal(opts.max_hops, 0);
	assert_int_equal(PARSE("--client", "192.0.2.10"), WR_CLI_USAGE);
	assert_string_equal(err, "invalid --client '192.0.2.10' (expected HOST:PORT, e.g. "
			    "192.0.2.10:22, [2001:db8::1]:22 or server.example:22)");
	assert_int_equal(PARSE("--client", "192.0.2.10:0"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--client", "192.0.2.10:65536"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--client", "2001:db8::1:22"), WR_CLI_USAGE);
	assert_string_equal(err, "invalid --client '2001:db8::1:22' (an IPv6 address goes in "
			    "brackets: [2001:db8::1]:22)");
	assert_int_equal(PARSE("--client", "[192.0.2.10]:22"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--client", "a b:22"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--client"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--client", "192.0.2.10:22", "--timeout", "50ms"), WR_CLI_USAGE);
	assert_string_equal(err, "invalid --timeout '50ms' (100ms to 10m, e.g. 2s)");
	assert_int_equal(PARSE("--client", "192.0.2.10:22", "--max-hops", "65"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--timeout", "2s"), WR_CLI_USAGE);
	assert_string_equal(err, "--timeout and --max-hops go with --client HOST:PORT");
	assert_int_equal(PARSE("--client", "192.0.2.10:22", "-p", "22"), WR_CLI_USAGE);
	assert_string_equal(err, "--client takes only --json, --timeout and --max-hops (the other "
			    "options are the tracer's)");
	assert_int_equal(PARSE("--client", "192.0.2.10:22", "--output", "f"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--client", "192.0.2.10:22", "--duration", "5"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--client", "192.0.2.10:22", "--no-trace"), WR_CLI_USAGE);
	assert_int_equal(PARSE("--client", "192.0.2.10:22", "--metrics", "127.0.0.1:9464"),
			 WR_CLI_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_options),
		cmocka_unit_test(test_help_and_version_end_the_run),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_port_cap),
		cmocka_unit_test(test_cidr_v4),
		cmocka_unit_test(test_cidr_v6),
		cmocka_unit_test(test_backend),
		cmocka_unit_test(test_cidr_errors),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_metrics_options),
		cmocka_unit_test(test_journal_option),
		cmocka_unit_test(test_client_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
