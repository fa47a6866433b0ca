/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Command line: options, and the parsers for ports and CIDRs. Pure C. */
#ifndef WR_CLI_H
#define WR_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define WR_MAX_PORTS	1024	/* size of the kernel's port filter map */
#define WR_MAX_SRCS	256	/* size of each source LPM trie */
#define WR_MAX_NETNS	64	/* size of the netns filter map */
#define WR_MAX_WATCH	16	/* --watch-client, each a capture while on */

enum wr_color { WR_COLOR_AUTO, WR_COLOR_ALWAYS, WR_COLOR_NEVER };

/* How programs attach: auto picks the richest the kernel allows, per signal. */
enum wr_backend { WR_BACKEND_AUTO, WR_BACKEND_FENTRY, WR_BACKEND_KPROBE, WR_BACKEND_TRACEPOINT };

struct wr_cidr {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t prefixlen;
	uint8_t addr[16];	/* network byte order, host bits cleared */
};

/* A socket address to listen on, parsed from "127.0.0.1:9464" or "[::1]:9464". */
struct wr_sockaddr {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order */
	uint16_t port;		/* host byte order */
};

struct wr_options {
	bool json;
	bool verbose;
	enum wr_color color;
	uint16_t ports[WR_MAX_PORTS];
	size_t n_ports;
	struct wr_cidr srcs[WR_MAX_SRCS];
	size_t n_srcs;
	const char *netns[WR_MAX_NETNS];	/* --netns as given: name, path or inode */
	size_t n_netns;
	uint64_t duration_ms;		/* 0: until Ctrl-C */
	uint64_t fold_window_ms;
	uint64_t rate_limit;		/* events/s reported at most; 0: no limit */
	const char *output;		/* --output FILE; NULL: stdout */
	uint64_t stats_interval_ms;	/* 0: stats only at exit */
	const char *btf_path;		/* NULL: /sys/kernel/btf/vmlinux */
	const char *rule_owners;	/* NULL: /etc/whyrefused/rule-owners.conf if it exists */
	bool trace;			/* name firewall rules with nftables tracing */
	enum wr_backend backend;
	bool probe;			/* --probe: print the hook plan, attach nothing */
	bool all_hooks;			/* --all-hooks: per-packet hooks from the start */
	uint64_t on_demand_ms;		/* --on-demand-for: on-demand hooks stay this long */
	bool metrics;			/* --metrics ADDR:PORT given */
	struct wr_sockaddr metrics_addr;	/* where to serve Prometheus text */
	const char *metrics_file;	/* --metrics-file PATH (node_exporter textfile) */
	bool journal;			/* --journal: records to systemd-journald (journal_send.h) */
	const char *client;		/* --client HOST:PORT: the client's view (client_probe.h) */
	uint64_t client_timeout_ms;	/* --timeout: per address of HOST, and its lookup */
	unsigned max_hops;		/* --max-hops: TTL probing after silence; 0: none */
	bool client_opts_given;		/* --timeout or --max-hops, valid only with --client */
	struct wr_cidr watch[WR_MAX_WATCH];	/* --watch-client: did its SYNs reach us? */
	size_t n_watch;
	uint64_t watch_for_ms;		/* --watch-for: a watch with no SYN ends then */
	uint64_t watch_window_ms;	/* --watch-window: quiet after the last SYN: report */
	const char *watch_socket;	/* --watch-socket PATH; NULL: the default, if free */
	const char *ask_watch;		/* --ask-watch ADDR: ask the running tracer */
	struct wr_cidr ask_who;		/* ... parsed */
};

enum wr_cli_result {
	WR_CLI_RUN = 0,		/* options parsed: run the tracer */
	WR_CLI_DONE = 1,	/* --help or --version printed: exit 0 */
	WR_CLI_USAGE = 2,	/* bad usage: `err` says why, exit 2 */
};

void wr_options_default(struct wr_options *o);
enum wr_cli_result wr_parse_args(int argc, char **argv, struct wr_options *o,
				 FILE *out, char *err, size_t errlen);

/* "22", "22,80", "8000-8010": appends to o->ports. 0 or -1 with `err`. */
int wr_parse_ports(const char *s, struct wr_options *o, char *err, size_t errlen);
/* "192.0.2.0/24", "2001:db8::/32", a bare address is a /32 or /128. */
int wr_parse_cidr(const char *s, struct wr_cidr *out, char *err, size_t errlen);
/* "10", "2.5", "500ms", "1m": a duration; 0 or -1. */
int wr_parse_duration_ms(const char *s, uint64_t *ms);

/* "127.0.0.1:9464", "[::1]:9464", "0.0.0.0:9464": an address and a port. */
int wr_parse_sockaddr(const char *s, struct wr_sockaddr *out, char *err, size_t errlen);

/* "auto", "fentry", "kprobe", "tracepoint" and back; -1 / NULL if unknown. */
int wr_backend_parse(const char *s);
const char *wr_backend_name(enum wr_backend b);

/* --help: generated from wr_cli_options. */
void wr_print_usage(FILE *f);

struct wr_cli_parse;

/* One option: its names, its value's name in --help (NULL: a flag), how it is parsed. */
struct wr_cli_option {
	const char *name;	/* --name */
	char short_name;	/* -x; 0: none */
	const char *arg;	/* "PORTS", "TIME"...; NULL: takes no value */
	/* 0, WR_CLI_DONE (--help, --version printed), or -1 with the error (cli.c) */
	int (*parse)(struct wr_cli_parse *p, const char *value);
	const char *help;	/* --help's lines, '\n' between them */
};

/* Every option, in --help's (and the man page's) order. */
extern const struct wr_cli_option wr_cli_options[];
extern const size_t wr_cli_n_options;

#endif /* WR_CLI_H */
