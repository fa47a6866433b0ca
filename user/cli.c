// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "cli.h"
#include "client_verdict.h"
#include "client_watch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

void wr_options_default(struct wr_options *o)
{
	memset(o, 0, sizeof(*o));
	o->watch_for_ms = 60000;
	o->watch_window_ms = 10000;
	o->color = WR_COLOR_AUTO;
	o->fold_window_ms = 10000;
	o->rate_limit = 1000;
	o->trace = true;
	o->client_timeout_ms = 10000;
	o->max_hops = 16;
}

/* Strict decimal in [min, max], the whole string. */
static int parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int add_port(struct wr_options *o, uint16_t port, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < o->n_ports; i++)
		if (o->ports[i] == port)
			return 0;
	if (o->n_ports == WR_MAX_PORTS) {
		snprintf(err, errlen, "too many ports (at most %d)", WR_MAX_PORTS);
		return -1;
	}
	o->ports[o->n_ports++] = port;
	return 0;
}

int wr_parse_ports(const char *s, struct wr_options *o, char *err, size_t errlen)
{
	char buf[256], *tok, *rest = buf;

	if (strlen(s) >= sizeof(buf) || !*s) {
		snprintf(err, errlen, "invalid port list '%s'", s);
		return -1;
	}
	strcpy(buf, s);
	while ((tok = strsep(&rest, ",")) != NULL) {
		char *dash = strchr(tok, '-');
		unsigned long lo, hi, p;

		if (dash)
			*dash = '\0';
		if (parse_ulong(tok, 1, 65535, &lo) ||
		    (dash && parse_ulong(dash + 1, 1, 65535, &hi))) {
			if (dash)
				*dash = '-';
			snprintf(err, errlen, "invalid port '%s' (expected 1-65535 or a range A-B)", tok);
			return -1;
		}
		if (!dash)
			hi = lo;
		if (hi < lo) {
			snprintf(err, errlen, "invalid port range '%lu-%lu' (start above end)", lo, hi);
			return -1;
		}
		for (p = lo; p <= hi; p++)
			if (add_port(o, (uint16_t)p, err, errlen))
				return -1;
	}
	if (o->n_ports == 0) {
		snprintf(err, errlen, "invalid port list '%s'", s);
		return -1;
	}
	return 0;
}

int wr_parse_cidr(const char *s, struct wr_cidr *out, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long plen, max;
	int i;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= sizeof(addr))
		goto bad;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1) {
		out->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		out->family = AF_INET6;
		max = 128;
	} else {
		goto bad;
	}
	plen = max;
	if (slash && parse_ulong(slash + 1, 0, max, &plen)) {
		snprintf(err, errlen, "invalid prefix length in '%s' (0-%lu)", s, max);
		return -1;
	}
	out->prefixlen = (uint8_t)plen;
	/* Clear host bits, as iptables does with 192.0.2.5/24. */
	for (i = 0; i < (int)(max / 8); i++) {
		int keep = (int)plen - i * 8;

		if (keep <= 0)
			out->addr[i] = 0;
		else if (keep < 8)
			out->addr[i] &= (uint8_t)(0xff << (8 - keep));
	}
	return 0;
bad:
	snprintf(err, errlen, "invalid address or CIDR '%s'", s);
	return -1;
}

int wr_parse_duration_ms(const char *s, uint64_t *ms)
{
	char *end;
	double v, scale = 1000.0;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno)
		return -1;
	if (!strcmp(end, "ms"))
		scale = 1.0;
	else if (!strcmp(end, "m"))
		scale = 60000.0;
	else if (!strcmp(end, "h"))
		scale = 3600000.0;
	else if (*end && strcmp(end, "s"))
		return -1;
	v *= scale;
	if (v < 1.0 || v > 1e12)
		return -1;
	*ms = (uint64_t)v;
	return 0;
}

static const char *const backend_names[] = {
	[WR_BACKEND_AUTO] = "auto",
	[WR_BACKEND_FENTRY] = "fentry",
	[WR_BACKEND_KPROBE] = "kprobe",
	[WR_BACKEND_TRACEPOINT] = "tracepoint",
};

int wr_backend_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(backend_names) / sizeof(backend_names[0]); i++)
		if (!strcmp(s, backend_names[i]))
			return (int)i;
	return -1;
}

const char *wr_backend_name(enum wr_backend b)
{
	return (unsigned)b < sizeof(backend_names) / sizeof(backend_names[0]) ?
	       backend_names[b] : NULL;
}

int wr_parse_sockaddr(const char *s, struct wr_sockaddr *out, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	unsigned long port;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!colon || colon == s || parse_ulong(colon + 1, 1, 65535, &port))
		goto bad;
	n = (size_t)(colon - s);
	if (s[0] == '[') {
		/* [v6]:port */
		if (n < 3 || s[n - 1] != ']' || n - 2 >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, n - 2);
		host[n - 2] = '\0';
		out->family = AF_INET6;
		if (inet_pton(AF_INET6, host, out->addr) != 1)
			goto bad;
	} else {
		if (n >= sizeof(host))
			goto bad;
		memcpy(host, s, n);
		host[n] = '\0';
		out->family = AF_INET;
		if (inet_pton(AF_INET, host, out->addr) != 1)
			goto bad;
	}
	out->port = (uint16_t)port;
	return 0;
bad:
	snprintf(err, errlen, "invalid address '%s' (expected ADDR:PORT, e.g. 127.0.0.1:9464 "
		 "or [::1]:9464)", s);
	return -1;
}

/*
 * Each option's step: 0 parsed, WR_CLI_DONE (--help, --version), or -1 with
 * p->err set (a usage error).
 */
struct wr_cli_parse {
	struct wr_options *o;
	FILE *out;
	char *err;
	size_t errlen;
};

#define USAGE(...) (snprintf(p->err, p->errlen, __VA_ARGS__), -1)

static int opt_json(struct wr_cli_parse *p, const char *v)
{
	p->o->json = true;
	return 0;
}

static int opt_port(struct wr_cli_parse *p, const char *v)
{
	return wr_parse_ports(v, p->o, p->err, p->errlen);
}

static int opt_src(struct wr_cli_parse *p, const char *v)
{
	struct wr_options *o = p->o;

	if (o->n_srcs == WR_MAX_SRCS)
		return USAGE("too many --src (at most %d)", WR_MAX_SRCS);
	if (wr_parse_cidr(v, &o->srcs[o->n_srcs], p->err, p->errlen))
		return -1;
	o->n_srcs++;
	return 0;
}

static int opt_netns(struct wr_cli_parse *p, const char *v)
{
	if (p->o->n_netns == WR_MAX_NETNS)
		return USAGE("too many --netns (at most %d)", WR_MAX_NETNS);
	if (!*v)
		return USAGE("invalid --netns '' (a name, a path or an inode)");
	p->o->netns[p->o->n_netns++] = v;
	return 0;
}

static int opt_duration(struct wr_cli_parse *p, const char *v)
{
	if (wr_parse_duration_ms(v, &p->o->duration_ms))
		return USAGE("invalid duration '%s' (e.g. 10, 2.5, 500ms, 5m)", v);
	return 0;
}

static int opt_fold_window(struct wr_cli_parse *p, const char *v)
{
	if (wr_parse_duration_ms(v, &p->o->fold_window_ms))
		return USAGE("invalid fold window '%s' (e.g. 10, 500ms)", v);
	return 0;
}

static int opt_rate_limit(struct wr_cli_parse *p, const char *v)
{
	unsigned long n;

	if (parse_ulong(v, 0, 10000000, &n))
		return USAGE("invalid --rate-limit '%s' (events per second, 0-10000000; "
			     "0: no limit)", v);
	p->o->rate_limit = n;
	return 0;
}

static int opt_output(struct wr_cli_parse *p, const char *v)
{
	if (!*v)
		return USAGE("invalid --output '' (a file name)");
	p->o->output = v;
	return 0;
}

static int opt_journal(struct wr_cli_parse *p, const char *v)
{
	p->o->journal = true;
	return 0;
}

static int opt_stats_interval(struct wr_cli_parse *p, const char *v)
{
	if (wr_parse_duration_ms(v, &p->o->stats_interval_ms) || p->o->stats_interval_ms < 100)
		return USAGE("invalid --stats-interval '%s' (at least 100ms, e.g. 10s, 1m)", v);
	return 0;
}

static int opt_metrics(struct wr_cli_parse *p, const char *v)
{
	if (wr_parse_sockaddr(v, &p->o->metrics_addr, p->err, p->errlen))
		return -1;
	p->o->metrics = true;
	return 0;
}

static int opt_metrics_file(struct wr_cli_parse *p, const char *v)
{
	if (!*v)
		return USAGE("invalid --metrics-file '' (a file name)");
	p->o->metrics_file = v;
	return 0;
}

static int opt_color(struct wr_cli_parse *p, const char *v)
{
	static const char *const whens[] = {
		[WR_COLOR_AUTO] = "auto", [WR_COLOR_ALWAYS] = "always", [WR_COLOR_NEVER] = "never",
	};

	for (size_t i = 0; i < sizeof(whens) / sizeof(whens[0]); i++)
		if (!strcmp(v, whens[i])) {
			p->o->color = (enum wr_color)i;
			return 0;
		}
	return USAGE("invalid --color '%s' (auto, always or never)", v);
}

static int opt_no_trace(struct wr_cli_parse *p, const char *v)
{
	p->o->trace = false;
	return 0;
}

static int opt_backend(struct wr_cli_parse *p, const char *v)
{
	int b = wr_backend_parse(v);

	if (b < 0)
		return USAGE("invalid --backend '%s' (auto, fentry, kprobe or tracepoint)", v);
	p->o->backend = (enum wr_backend)b;
	return 0;
}

static int opt_all_hooks(struct wr_cli_parse *p, const char *v)
{
	p->o->all_hooks = true;
	return 0;
}

static int opt_on_demand_for(struct wr_cli_parse *p, const char *v)
{
	if (wr_parse_duration_ms(v, &p->o->on_demand_ms) || p->o->on_demand_ms < 1000)
		return USAGE("invalid --on-demand-for '%s' (at least 1s, e.g. 2m, 10m)", v);
	return 0;
}

static int opt_probe(struct wr_cli_parse *p, const char *v)
{
	p->o->probe = true;
	return 0;
}

static int opt_btf(struct wr_cli_parse *p, const char *v)
{
	p->o->btf_path = v;
	return 0;
}

static int opt_rule_owners(struct wr_cli_parse *p, const char *v)
{
	p->o->rule_owners = v;
	return 0;
}

static int opt_client(struct wr_cli_parse *p, const char *v)
{
	char host[WR_CLIENT_HOST_MAX];
	uint16_t port;

	if (wr_client_parse_target(v, host, sizeof(host), &port, p->err, p->errlen))
		return -1;
	p->o->client = v;
	return 0;
}

static int opt_timeout(struct wr_cli_parse *p, const char *v)
{
	uint64_t *ms = &p->o->client_timeout_ms;

	if (wr_parse_duration_ms(v, ms) || *ms < 100 || *ms > 600000)
		return USAGE("invalid --timeout '%s' (100ms to 10m, e.g. 2s)", v);
	p->o->client_opts_given = true;
	return 0;
}

static int opt_max_hops(struct wr_cli_parse *p, const char *v)
{
	unsigned long n;

	if (parse_ulong(v, 0, 64, &n))
		return USAGE("invalid --max-hops '%s' (0-64)", v);
	p->o->max_hops = (unsigned)n;
	p->o->client_opts_given = true;
	return 0;
}

/* --watch-client ADDR[/PREFIX]: at start, may repeat (client_watch.h). */
static int opt_watch_client(struct wr_cli_parse *p, const char *v)
{
	struct wr_options *o = p->o;

	if (o->n_watch == WR_MAX_WATCH)
		return USAGE("too many --watch-client (at most %d)", WR_MAX_WATCH);
	return wr_watch_parse_addr(v, &o->watch[o->n_watch++], p->err, p->errlen) ? -1 : 0;
}

static int opt_watch_duration(struct wr_cli_parse *p, const char *v, uint64_t *ms,
			      const char *which)
{
	if (wr_parse_duration_ms(v, ms) || *ms < 1000 || *ms > 3600000)
		return USAGE("invalid --watch-%s '%.32s' (1s to 1h, e.g. 30s, 2m)", which, v);
	return 0;
}

static int opt_watch_for(struct wr_cli_parse *p, const char *v)
{
	return opt_watch_duration(p, v, &p->o->watch_for_ms, "for");
}

static int opt_watch_window(struct wr_cli_parse *p, const char *v)
{
	return opt_watch_duration(p, v, &p->o->watch_window_ms, "window");
}

static int opt_watch_socket(struct wr_cli_parse *p, const char *v)
{
	if (*v != '/')
		return USAGE("invalid --watch-socket '%.64s' (an absolute path)", v);
	p->o->watch_socket = v;
	return 0;
}

/* --ask-watch ADDR[/PREFIX]: ask the running tracer (watch_socket.c), print its report. */
static int opt_ask_watch(struct wr_cli_parse *p, const char *v)
{
	p->o->ask_watch = v;
	if (!wr_watch_parse_addr(v, &p->o->ask_who, p->err, p->errlen))
		return 0;
	return USAGE("invalid --ask-watch '%.64s' (an address or a prefix: 192.0.2.7, "
		     "198.51.100.0/24, 2001:db8::7)", v);
}

static int opt_verbose(struct wr_cli_parse *p, const char *v)
{
	p->o->verbose = true;
	return 0;
}

static int opt_help(struct wr_cli_parse *p, const char *v)
{
	wr_print_usage(p->out);
	return WR_CLI_DONE;
}

static int opt_version(struct wr_cli_parse *p, const char *v)
{
	fprintf(p->out, "whyrefused %s\n", WR_VERSION);
	return WR_CLI_DONE;
}

/*
 * Every option, in --help's order: its names, its value, its step and its
 * help lines. The man page's OPTIONS are tested against it (test_cli.c).
 */
const struct wr_cli_option wr_cli_options[] = {
	{ "json", 'j', NULL, opt_json,
	  "one JSON object per line (start, refusal, stats)" },
	{ "port", 'p', "PORTS", opt_port,
	  "only these server ports: 22 | 22,80 | 8000-8010\n(repeatable)" },
	{ "src", 's', "CIDR", opt_src,
	  "only clients in CIDR: 198.51.100.0/24 | 2001:db8::/32\n"
	  "| a bare address (repeatable, IPv4 and IPv6)" },
	{ "netns", 'n', "NS", opt_netns,
	  "only SYNs received in this network namespace: a name\n"
	  "from `ip netns`, a path like /proc/PID/ns/net, or an\ninode number (repeatable)" },
	{ "duration", 'd', "TIME", opt_duration,
	  "stop after TIME (10, 2.5, 500ms, 5m); default: Ctrl-C" },
	{ "fold-window", 0, "TIME", opt_fold_window,
	  "fold retransmitted SYNs of one attempt arriving\n"
	  "within TIME of each other into one line (default 10s)" },
	{ "rate-limit", 0, "N", opt_rate_limit,
	  "report at most about N refusals per second (default\n"
	  "1000; 0: no limit); the rest are counted by cause\nin the stats records" },
	{ "output", 'o', "FILE", opt_output,
	  "append records to FILE instead of stdout; SIGHUP\nreopens it (logrotate)" },
	{ "journal", 0, NULL, opt_journal,
	  "send every record to the systemd journal instead,\n"
	  "with fields: journalctl -t whyrefused\n"
	  "WHYREFUSED_CAUSE=firewall_drop WHYREFUSED_PORT=22" },
	{ "stats-interval", 0, "TIME", opt_stats_interval,
	  "a stats record every TIME (e.g. 60s), not only\nat exit" },
	{ "metrics", 0, "ADDR:PORT", opt_metrics,
	  "serve Prometheus metrics (counters by cause and port)\n"
	  "on http://ADDR:PORT/metrics, e.g. 127.0.0.1:9464" },
	{ "metrics-file", 0, "PATH", opt_metrics_file,
	  "write the same metrics to PATH (node_exporter's\n"
	  "textfile collector), every --stats-interval or 10s" },
	{ "color", 0, "WHEN", opt_color,
	  "auto (default: only on a terminal), always, never" },
	{ "no-trace", 0, NULL, opt_no_trace,
	  "do not name firewall rules (by default a refused flow\n"
	  "is traced with a table of our own, gone at exit)" },
	{ "backend", 0, "KIND", opt_backend,
	  "auto (default), fentry, kprobe or tracepoint: how\n"
	  "programs attach; auto takes the richest hook the\nkernel allows for each signal" },
	{ "all-hooks", 0, NULL, opt_all_hooks,
	  "attach every hook from the start, also those each\n"
	  "packet and connection passes (2-5% of a connection):\n"
	  "a REJECT's first SYN is told from a DROP everywhere,\n"
	  "a full accept queue from its first SYN, a blocked\n"
	  "SYN's table at once (fentry, kprobe), listeners as\nthey change, not polled" },
	{ "on-demand-for", 0, "TIME", opt_on_demand_for,
	  "how long the hooks attached on evidence (a firewall's\n"
	  "answers, a full accept queue) stay after the last\n(default 2m)" },
	{ "probe", 0, NULL, opt_probe,
	  "print what this kernel offers and which hooks would\n"
	  "be chosen, then exit without attaching" },
	{ "btf", 0, "FILE", opt_btf,
	  "kernel BTF to use instead of /sys/kernel/btf/vmlinux" },
	{ "rule-owners", 0, "FILE", opt_rule_owners,
	  "more patterns naming who owns a firewall rule (fail2ban,\n"
	  "ufw...), before the built-in ones; default\n"
	  "/etc/whyrefused/rule-owners.conf if it exists" },
	{ "client", 0, "HOST:PORT", opt_client,
	  "on a client machine: connect to HOST:PORT as ssh\n"
	  "would and say who refused or dropped it and where\n"
	  "to look (no BPF, no root needed; exit 0 connected,\n1 not, 3 HOST did not resolve)" },
	{ "timeout", 0, "TIME", opt_timeout,
	  "--client: wait this long per address (default 10s)" },
	{ "max-hops", 0, "N", opt_max_hops,
	  "--client: after silence, SYNs with TTL 1..N find the\n"
	  "last hop that answers (default 16; 0: none)" },
	{ "watch-client", 0, "ADDR[/PREFIX]", opt_watch_client,
	  "say whether SYNs from ADDR reach this host at\n"
	  "all (where, and what became of them) or not (the\nblock is before it); may repeat" },
	{ "watch-for", 0, "TIME", opt_watch_for, "a watch with no SYN ends after TIME (default 60s)" },
	{ "watch-window", 0, "TIME", opt_watch_window,
	  "report once no SYN came for TIME (default 10s)" },
	{ "watch-socket", 0, "PATH", opt_watch_socket,
	  "where root asks this tracer (default\n/run/whyrefused/watch.sock)" },
	{ "ask-watch", 0, "ADDR[/PREFIX]", opt_ask_watch,
	  "ask the running tracer to watch for ADDR now,\nand print its report" },
	{ "verbose", 'v', NULL, opt_verbose, "libbpf debug messages on stderr" },
	{ "help", 'h', NULL, opt_help, "this text" },
	{ "version", 'V', NULL, opt_version, "print the version" },
};
const size_t wr_cli_n_options = sizeof(wr_cli_options) / sizeof(wr_cli_options[0]);

/* getopt's value for wr_cli_options[i] without a short name: LONG_ONLY + i */
#define LONG_ONLY	256

/* getopt_long's tables, from wr_cli_options: ":jp:s:..." and struct option[]. */
static void getopt_tables(char *shorts, struct option *longs)
{
	char *s = shorts;

	*s++ = ':';	/* a missing value is ':', not '?' */
	for (size_t i = 0; i < wr_cli_n_options; i++) {
		const struct wr_cli_option *opt = &wr_cli_options[i];

		int val = opt->short_name ? opt->short_name : LONG_ONLY + (int)i;

		longs[i] = (struct option){ opt->name, opt->arg ? required_argument : no_argument,
					    NULL, val };
		if (opt->short_name) {
			*s++ = opt->short_name;
			if (opt->arg)
				*s++ = ':';
		}
	}
	*s = '\0';
	longs[wr_cli_n_options] = (struct option){ 0 };
}

static const struct wr_cli_option *option_of(int c)
{
	if (c >= LONG_ONLY && (size_t)(c - LONG_ONLY) < wr_cli_n_options)
		return &wr_cli_options[c - LONG_ONLY];
	for (size_t i = 0; c > 0 && c < LONG_ONLY && i < wr_cli_n_options; i++)
		if (wr_cli_options[i].short_name == c)
			return &wr_cli_options[i];
	return NULL;
}

/* Options that make sense alone, but not together. */
static enum wr_cli_result check_combinations(const struct wr_options *o, char *err, size_t errlen)
{
	if (o->journal && o->output) {
		snprintf(err, errlen, "--journal and --output are two destinations: choose one");
		return WR_CLI_USAGE;
	}
	if (o->client && (o->output || o->journal || o->n_ports || o->n_srcs || o->n_netns ||
			  o->duration_ms || o->metrics || o->metrics_file || o->probe ||
			  o->all_hooks || o->btf_path || o->rule_owners || !o->trace ||
			  o->backend != WR_BACKEND_AUTO || o->stats_interval_ms || o->on_demand_ms ||
			  o->rate_limit != 1000 || o->fold_window_ms != 10000)) {
		snprintf(err, errlen, "--client takes only --json, --timeout and --max-hops "
			 "(the other options are the tracer's)");
		return WR_CLI_USAGE;
	}
	if (o->client_opts_given && !o->client) {
		snprintf(err, errlen, "--timeout and --max-hops go with --client HOST:PORT");
		return WR_CLI_USAGE;
	}
	if (o->ask_watch && (o->client || o->n_watch || o->output || o->journal || o->n_ports ||
			     o->n_srcs || o->n_netns || o->duration_ms || o->metrics || o->probe)) {
		snprintf(err, errlen, "--ask-watch takes only --json, --watch-for, --watch-window "
			 "and --watch-socket (it asks the running tracer)");
		return WR_CLI_USAGE;
	}
	return WR_CLI_RUN;
}

enum wr_cli_result wr_parse_args(int argc, char **argv, struct wr_options *o,
				 FILE *out, char *err, size_t errlen)
{
	struct option longs[sizeof(wr_cli_options) / sizeof(wr_cli_options[0]) + 1];
	char shorts[2 + 2 * sizeof(wr_cli_options) / sizeof(wr_cli_options[0])];
	struct wr_cli_parse p = { o, out, err, errlen };
	const struct wr_cli_option *opt;
	int c, rc;

	wr_options_default(o);
	getopt_tables(shorts, longs);
	optind = 0;	/* full re-initialisation (glibc), so tests can call us again */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == ':') {
			snprintf(err, errlen, "option '%s' needs a value (see --help)", argv[optind - 1]);
			return WR_CLI_USAGE;
		}
		opt = option_of(c);
		if (!opt) {
			snprintf(err, errlen, "unknown option '%s' (see --help)", argv[optind - 1]);
			return WR_CLI_USAGE;
		}
		rc = opt->parse(&p, optarg);
		if (rc)
			return rc < 0 ? WR_CLI_USAGE : WR_CLI_DONE;
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (see --help)", argv[optind]);
		return WR_CLI_USAGE;
	}
	return check_combinations(o, err, errlen);
}

/* --help: this, the options (wr_cli_options), then usage_tail. */
static const char usage_head[] =
"Usage: whyrefused [OPTIONS]\n"
"Explain every incoming TCP connection this host refused or blocked, as it\n"
"happens: no socket listening (RST), a firewall rule that rejected or dropped\n"
"the SYN, or another kernel drop reason. Sees every network namespace.\n"
"\n";

static const char usage_tail[] =
"\n"
"EXAMPLES:\n"
"  whyrefused                    # explain every refused connection\n"
"  whyrefused -p 22              # only SSH\n"
"  whyrefused -s 198.51.100.0/24 -p 5432,6432\n"
"  whyrefused --json | jq .      # JSON lines, for people and log shippers\n"
"  whyrefused --client 192.0.2.10:22   # on the client: who refuses, where\n"
"  whyrefused --ask-watch 198.51.100.7  # on the server: do its SYNs get here?\n"
"\n"
"Needs root (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN) and a kernel with BTF.\n";

#define HELP_COLUMN	27	/* where an option's description starts */

/* "  -p, --port PORTS" or "      --btf FILE", then its lines at HELP_COLUMN. */
static void print_option(FILE *f, const struct wr_cli_option *opt)
{
	const char *line = opt->help, *nl;
	int n;

	if (opt->short_name)
		n = fprintf(f, "  -%c, --%s", opt->short_name, opt->name);
	else
		n = fprintf(f, "      --%s", opt->name);
	if (opt->arg)
		n += fprintf(f, " %s", opt->arg);
	for (int pad = n < HELP_COLUMN ? HELP_COLUMN - n : 2; line; pad = HELP_COLUMN) {
		nl = strchr(line, '\n');
		fprintf(f, "%*s%.*s\n", pad, "", nl ? (int)(nl - line) : (int)strlen(line), line);
		line = nl ? nl + 1 : NULL;
	}
}

void wr_print_usage(FILE *f)
{
	fputs(usage_head, f);
	for (size_t i = 0; i < wr_cli_n_options; i++)
		print_option(f, &wr_cli_options[i]);
	fputs(usage_tail, f);
}
