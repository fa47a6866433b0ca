// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "cli.h"
#include "client_watch.h"
#include "client_verdict.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char usage_text[] =
"Usage: whyrefused [OPTIONS]\n"
"Explain every incoming TCP connection this host refused or blocked, as it\n"
"happens: no socket listening (RST), a firewall rule that rejected or dropped\n"
"the SYN, or another kernel drop reason. Sees every network namespace.\n"
"\n"
"  -j, --json               one JSON object per line (start, refusal, stats)\n"
"  -p, --port PORTS         only these server ports: 22 | 22,80 | 8000-8010\n"
"                           (repeatable)\n"
"  -s, --src CIDR           only clients in CIDR: 198.51.100.0/24 | 2001:db8::/32\n"
"                           | a bare address (repeatable, IPv4 and IPv6)\n"
"  -n, --netns NS           only SYNs received in this network namespace: a name\n"
"                           from `ip netns`, a path like /proc/PID/ns/net, or an\n"
"                           inode number (repeatable)\n"
"  -d, --duration TIME      stop after TIME (10, 2.5, 500ms, 5m); default: Ctrl-C\n"
"      --fold-window TIME   fold retransmitted SYNs of one attempt arriving\n"
"                           within TIME of each other into one line (default 10s)\n"
"      --rate-limit N       report at most about N refusals per second (default\n"
"                           1000; 0: no limit); the rest are counted by cause\n"
"                           in the stats records\n"
"  -o, --output FILE        append records to FILE instead of stdout; SIGHUP\n"
"                           reopens it (logrotate)\n"
"      --journal            send every record to the systemd journal instead,\n"
"                           with fields: journalctl -t whyrefused\n"
"                           WHYREFUSED_CAUSE=firewall_drop WHYREFUSED_PORT=22\n"
"      --stats-interval TIME  a stats record every TIME (e.g. 60s), not only\n"
"                           at exit\n"
"      --metrics ADDR:PORT  serve Prometheus metrics (counters by cause and port)\n"
"                           on http://ADDR:PORT/metrics, e.g. 127.0.0.1:9464\n"
"      --metrics-file PATH  write the same metrics to PATH (node_exporter's\n"
"                           textfile collector), every --stats-interval or 10s\n"
"      --color WHEN         auto (default: only on a terminal), always, never\n"
"      --no-trace           do not name firewall rules (by default a refused flow\n"
"                           is traced with a table of our own, gone at exit)\n"
"      --backend KIND       auto (default), fentry, kprobe or tracepoint: how\n"
"                           programs attach; auto takes the richest hook the\n"
"                           kernel allows for each signal\n"
"      --all-hooks          attach every hook from the start, also those each\n"
"                           packet and connection passes (2-5% of a connection):\n"
"                           a REJECT's first SYN is told from a DROP everywhere,\n"
"                           a full accept queue from its first SYN, a blocked\n"
"                           SYN's table at once (fentry, kprobe), listeners as\n"
"                           they change, not polled\n"
"      --on-demand-for TIME how long the hooks attached on evidence (a firewall's\n"
"                           answers, a full accept queue) stay after the last\n"
"                           (default 2m)\n"
"      --probe              print what this kernel offers and which hooks would\n"
"                           be chosen, then exit without attaching\n"
"      --btf FILE           kernel BTF to use instead of /sys/kernel/btf/vmlinux\n"
"      --rule-owners FILE   more patterns naming who owns a firewall rule (fail2ban,\n"
"                           ufw...), before the built-in ones; default\n"
"                           /etc/whyrefused/rule-owners.conf if it exists\n"
"      --client HOST:PORT   on a client machine: connect to HOST:PORT as ssh\n"
"                           would and say who refused or dropped it and where\n"
"                           to look (no BPF, no root needed; exit 0 connected,\n"
"                           1 not, 3 HOST did not resolve)\n"
"      --timeout TIME       --client: wait this long per address (default 10s)\n"
"      --max-hops N         --client: after silence, SYNs with TTL 1..N find the\n"
"                           last hop that answers (default 16; 0: none)\n"
"      --watch-client ADDR[/PREFIX]  say whether SYNs from ADDR reach this host at\n"
"                           all (where, and what became of them) or not (the\n"
"                           block is before it); may repeat\n"
"      --watch-for TIME     a watch with no SYN ends after TIME (default 60s)\n"
"      --watch-window TIME  report once no SYN came for TIME (default 10s)\n"
"      --watch-socket PATH  where root asks this tracer (default\n"
"                           /run/whyrefused/watch.sock)\n"
"      --ask-watch ADDR[/PREFIX]  ask the running tracer to watch for ADDR now,\n"
"                           and print its report\n"
"  -v, --verbose            libbpf debug messages on stderr\n"
"  -h, --help               this text\n"
"  -V, --version            print the version\n"
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

void wr_print_usage(FILE *f)
{
	fputs(usage_text, f);
}

void wr_options_default(struct wr_options *o)
{
	memset(o, 0, sizeof(*o));
	o->color = WR_COLOR_AUTO;
	o->fold_window_ms = 10000;
	o->rate_limit = 1000;
	o->trace = true;
	o->client_timeout_ms = 10000;
	o->max_hops = 16;
	o->watch_for_ms = 60000;
	o->watch_window_ms = 10000;
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

enum { OPT_COLOR = 256, OPT_BTF, OPT_FOLD_WINDOW, OPT_NO_TRACE, OPT_BACKEND, OPT_PROBE,
       OPT_RATE_LIMIT, OPT_STATS_INTERVAL, OPT_METRICS, OPT_METRICS_FILE,
       OPT_ALL_HOOKS, OPT_ON_DEMAND_FOR, OPT_JOURNAL,
       OPT_RULE_OWNERS, OPT_CLIENT, OPT_TIMEOUT, OPT_MAX_HOPS,
       OPT_WATCH_CLIENT, OPT_WATCH_FOR, OPT_WATCH_WINDOW, OPT_WATCH_SOCKET, OPT_ASK_WATCH };

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "port", required_argument, NULL, 'p' },
	{ "src", required_argument, NULL, 's' },
	{ "netns", required_argument, NULL, 'n' },
	{ "duration", required_argument, NULL, 'd' },
	{ "fold-window", required_argument, NULL, OPT_FOLD_WINDOW },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ "rule-owners", required_argument, NULL, OPT_RULE_OWNERS },
	{ "no-trace", no_argument, NULL, OPT_NO_TRACE },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "all-hooks", no_argument, NULL, OPT_ALL_HOOKS },
	{ "on-demand-for", required_argument, NULL, OPT_ON_DEMAND_FOR },
	{ "rate-limit", required_argument, NULL, OPT_RATE_LIMIT },
	{ "output", required_argument, NULL, 'o' },
	{ "journal", no_argument, NULL, OPT_JOURNAL },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "metrics-file", required_argument, NULL, OPT_METRICS_FILE },
	{ "client", required_argument, NULL, OPT_CLIENT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "max-hops", required_argument, NULL, OPT_MAX_HOPS },
	{ "watch-client", required_argument, NULL, OPT_WATCH_CLIENT },
	{ "watch-for", required_argument, NULL, OPT_WATCH_FOR },
	{ "watch-window", required_argument, NULL, OPT_WATCH_WINDOW },
	{ "watch-socket", required_argument, NULL, OPT_WATCH_SOCKET },
	{ "ask-watch", required_argument, NULL, OPT_ASK_WATCH },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 },
};

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

/* --watch-client, --watch-for, --watch-window, --watch-socket, --ask-watch. */
static int parse_watch_opt(int c, const char *arg, struct wr_options *o, char *err,
			   size_t errlen)
{
	switch (c) {
	case OPT_WATCH_CLIENT:
		if (o->n_watch == WR_MAX_WATCH) {
			snprintf(err, errlen, "too many --watch-client (at most %d)", WR_MAX_WATCH);
			return -1;
		}
		return wr_watch_parse_addr(arg, &o->watch[o->n_watch++], err, errlen);
	case OPT_ASK_WATCH:
		o->ask_watch = arg;
		if (!wr_watch_parse_addr(arg, &o->ask_who, err, errlen))
			return 0;
		snprintf(err, errlen, "invalid --ask-watch '%.64s' (an address or a prefix: "
			 "192.0.2.7, 198.51.100.0/24, 2001:db8::7)", arg);
		return -1;
	case OPT_WATCH_SOCKET:
		if (*arg != '/') {
			snprintf(err, errlen, "invalid --watch-socket '%.64s' (an absolute path)", arg);
			return -1;
		}
		o->watch_socket = arg;
		return 0;
	default: {
		uint64_t *ms = c == OPT_WATCH_FOR ? &o->watch_for_ms : &o->watch_window_ms;

		if (wr_parse_duration_ms(arg, ms) || *ms < 1000 || *ms > 3600000) {
			snprintf(err, errlen, "invalid --watch-%s '%.32s' (1s to 1h, e.g. 30s, 2m)",
				 c == OPT_WATCH_FOR ? "for" : "window", arg);
			return -1;
		}
		return 0;
	}
	}
}

enum wr_cli_result wr_parse_args(int argc, char **argv, struct wr_options *o,
				 FILE *out, char *err, size_t errlen)
{
	int c;

	wr_options_default(o);
	optind = 0;	/* full re-initialisation (glibc), so tests can call us again */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jp:s:n:d:o:vhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'p':
			if (wr_parse_ports(optarg, o, err, errlen))
				return WR_CLI_USAGE;
			break;
		case 's':
			if (o->n_srcs == WR_MAX_SRCS) {
				snprintf(err, errlen, "too many --src (at most %d)", WR_MAX_SRCS);
				return WR_CLI_USAGE;
			}
			if (wr_parse_cidr(optarg, &o->srcs[o->n_srcs], err, errlen))
				return WR_CLI_USAGE;
			o->n_srcs++;
			break;
		case 'n':
			if (o->n_netns == WR_MAX_NETNS) {
				snprintf(err, errlen, "too many --netns (at most %d)", WR_MAX_NETNS);
				return WR_CLI_USAGE;
			}
			if (!*optarg) {
				snprintf(err, errlen, "invalid --netns '' (a name, a path or an inode)");
				return WR_CLI_USAGE;
			}
			o->netns[o->n_netns++] = optarg;
			break;
		case 'd':
			if (wr_parse_duration_ms(optarg, &o->duration_ms)) {
				snprintf(err, errlen, "invalid duration '%s' (e.g. 10, 2.5, 500ms, 5m)", optarg);
				return WR_CLI_USAGE;
			}
			break;
		case OPT_FOLD_WINDOW:
			if (wr_parse_duration_ms(optarg, &o->fold_window_ms)) {
				snprintf(err, errlen, "invalid fold window '%s' (e.g. 10, 500ms)", optarg);
				return WR_CLI_USAGE;
			}
			break;
		case OPT_COLOR:
			if (!strcmp(optarg, "auto"))
				o->color = WR_COLOR_AUTO;
			else if (!strcmp(optarg, "always"))
				o->color = WR_COLOR_ALWAYS;
			else if (!strcmp(optarg, "never"))
				o->color = WR_COLOR_NEVER;
			else {
				snprintf(err, errlen, "invalid --color '%s' (auto, always or never)", optarg);
				return WR_CLI_USAGE;
			}
			break;
		case OPT_NO_TRACE:
			o->trace = false;
			break;
		case OPT_BACKEND: {
			int b = wr_backend_parse(optarg);

			if (b < 0) {
				snprintf(err, errlen, "invalid --backend '%s' (auto, fentry, kprobe "
					 "or tracepoint)", optarg);
				return WR_CLI_USAGE;
			}
			o->backend = (enum wr_backend)b;
			break;
		}
		case OPT_RATE_LIMIT: {
			unsigned long v;

			if (parse_ulong(optarg, 0, 10000000, &v)) {
				snprintf(err, errlen, "invalid --rate-limit '%s' (events per second, "
					 "0-10000000; 0: no limit)", optarg);
				return WR_CLI_USAGE;
			}
			o->rate_limit = v;
			break;
		}
		case 'o':
			if (!*optarg) {
				snprintf(err, errlen, "invalid --output '' (a file name)");
				return WR_CLI_USAGE;
			}
			o->output = optarg;
			break;
		case OPT_JOURNAL:
			o->journal = true;
			break;
		case OPT_STATS_INTERVAL:
			if (wr_parse_duration_ms(optarg, &o->stats_interval_ms) ||
			    o->stats_interval_ms < 100) {
				snprintf(err, errlen, "invalid --stats-interval '%s' (at least 100ms, "
					 "e.g. 10s, 1m)", optarg);
				return WR_CLI_USAGE;
			}
			break;
		case OPT_METRICS:
			if (wr_parse_sockaddr(optarg, &o->metrics_addr, err, errlen))
				return WR_CLI_USAGE;
			o->metrics = true;
			break;
		case OPT_METRICS_FILE:
			if (!*optarg) {
				snprintf(err, errlen, "invalid --metrics-file '' (a file name)");
				return WR_CLI_USAGE;
			}
			o->metrics_file = optarg;
			break;
		case OPT_PROBE:
			o->probe = true;
			break;
		case OPT_ALL_HOOKS:
			o->all_hooks = true;
			break;
		case OPT_ON_DEMAND_FOR:
			if (wr_parse_duration_ms(optarg, &o->on_demand_ms) || o->on_demand_ms < 1000) {
				snprintf(err, errlen, "invalid --on-demand-for '%s' (at least 1s, "
					 "e.g. 2m, 10m)", optarg);
				return WR_CLI_USAGE;
			}
			break;
		case OPT_BTF:
			o->btf_path = optarg;
			break;
		case OPT_RULE_OWNERS:
			o->rule_owners = optarg;
			break;
		case OPT_CLIENT: {
			char host[WR_CLIENT_HOST_MAX];
			uint16_t port;

			if (wr_client_parse_target(optarg, host, sizeof(host), &port, err, errlen))
				return WR_CLI_USAGE;
			o->client = optarg;
			break;
		}
		case OPT_TIMEOUT:
			if (wr_parse_duration_ms(optarg, &o->client_timeout_ms) ||
			    o->client_timeout_ms < 100 || o->client_timeout_ms > 600000) {
				snprintf(err, errlen, "invalid --timeout '%s' (100ms to 10m, e.g. 2s)",
					 optarg);
				return WR_CLI_USAGE;
			}
			o->client_opts_given = true;
			break;
		case OPT_MAX_HOPS: {
			unsigned long v;

			if (parse_ulong(optarg, 0, 64, &v)) {
				snprintf(err, errlen, "invalid --max-hops '%s' (0-64)", optarg);
				return WR_CLI_USAGE;
			}
			o->max_hops = (unsigned)v;
			o->client_opts_given = true;
			break;
		}
		case OPT_WATCH_CLIENT:
		case OPT_WATCH_FOR:
		case OPT_WATCH_WINDOW:
		case OPT_WATCH_SOCKET:
		case OPT_ASK_WATCH:
			if (parse_watch_opt(c, optarg, o, err, errlen))
				return WR_CLI_USAGE;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			wr_print_usage(out);
			return WR_CLI_DONE;
		case 'V':
			fprintf(out, "whyrefused %s\n", WR_VERSION);
			return WR_CLI_DONE;
		case ':':
			snprintf(err, errlen, "option '%s' needs a value (see --help)", argv[optind - 1]);
			return WR_CLI_USAGE;
		default:
			snprintf(err, errlen, "unknown option '%s' (see --help)", argv[optind - 1]);
			return WR_CLI_USAGE;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (see --help)", argv[optind]);
		return WR_CLI_USAGE;
	}
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
	if (o->ask_watch && (o->client || o->n_watch || o->output || o->journal || o->n_ports ||
			     o->n_srcs || o->n_netns || o->duration_ms || o->metrics || o->probe)) {
		snprintf(err, errlen, "--ask-watch takes only --json, --watch-for, --watch-window "
			 "and --watch-socket (it asks the running tracer)");
		return WR_CLI_USAGE;
	}
	if (o->client_opts_given && !o->client) {
		snprintf(err, errlen, "--timeout and --max-hops go with --client HOST:PORT");
		return WR_CLI_USAGE;
	}
	return WR_CLI_RUN;
}
