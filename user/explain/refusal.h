/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A refusal as userspace understands it: the kernel event decoded into
 * printable facts (event_decode.c), each stage's facts added to them, then
 * one verdict (verdict.c: cause, sentence, hints), then printed as text or
 * JSON (output.c). Plain data only.
 */
#ifndef WR_REFUSAL_H
#define WR_REFUSAL_H

#include "containers.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "blocker.h"
#include "listener.h"
#include "unit_facts.h"
#include "proc_ends.h"
#include "whyrefused.h"

#define WR_ADDR_STRLEN	46
#define WR_TEXT_LEN	1024
#define WR_MAX_HINTS	6
#define WR_MAX_RELATED	8
#define WR_RULE_HOPS	4

/* How a listener near a refused SYN relates to it. */
enum wr_relation {
	WR_REL_OTHER_ADDRESS,	/* same port and netns, another address or family */
	WR_REL_OTHER_PORT,	/* same netns, another port */
	WR_REL_OTHER_NETNS,	/* same port, another network namespace */
	WR_REL_TARGET,		/* the listener the SYN reached (backlog_full) */
	WR_REL_OTHER_DEVICE,	/* same port, netns and address, bound to another interface */
	WR_REL_FORWARDED_BY,	/* the proxy whose own connection this was (docker-proxy) */
};

struct wr_related {
	struct wr_listener l;
	enum wr_relation relation;
};

/* The firewall rule that refused or dropped the SYN (fw_rules.c). */
struct wr_rule {
	bool present;			/* a firewall cause: the JSON has a `rule` object */
	bool found;			/* table, chain... below are known */
	const char *backend;		/* "nftables" (incl. iptables-nft), "iptables-legacy" */
	const char *status;		/* when not found: "pending retry", "tracing off"... */
	char family[8];			/* ip, ip6, inet, ... */
	char table[256];		/* NFT_NAME_MAXLEN: a name is never cut */
	char chain[256];
	uint64_t handle;		/* nftables rule handle; 0 for a chain policy */
	unsigned number;		/* 1-based position in its chain (iptables rule number) */
	bool policy;			/* the chain's policy, not a rule */
	char jumps[192];		/* a policy's chain: the chains it jumps to, space-separated */
	char text[256];			/* as nft -a list / iptables -S print it */
	bool ipt_syntax;		/* text is iptables -S's (a table iptables-nft made) */
	bool text_withheld;		/* a name in the ruleset breaks lines: nft's text not read */
	char owner[320];		/* rule_owners.c: fail2ban (jail sshd), ufw... */
	char owner_command[768];	/* ... and how to look further or undo it */
	char verdict[64];		/* drop, reject with tcp reset, reject with icmp ... */
	bool answer_read;		/* firewall_blocked: the answer read from its text (explain.c) */
	/* The jumps and gotos that led to it, outermost first (fw_rules.c, from the trace). */
	struct wr_rule_hop {
		char chain[256];
		uint64_t handle;
		char text[256];		/* as nft -a list prints it */
	} path[WR_RULE_HOPS];
	unsigned n_path;
	char element[256];		/* the verdict map element that matched: its comment */
	char element_key[96];		/* ... its key ("192.0.2.1 . tcp . 443") */
	char element_verdict[64];
	/* fw_objects.c: the object its manager calls it by. */
	char zone[64];			/* firewalld */
	char fw_policy[64];		/* firewalld's policy (fwd_policies.c) */
	uint8_t zone_via;		/* enum wr_fwd_via */
	char zone_by[256];		/* the interface or source that sent the client there */
	char rich_rule[512];
	bool rich_rule_named;		/* rich_rule is whole (a cut one is not offered as a command) */
	char service[256];		/* kube-proxy: namespace/name:port */
	bool service_local;		/* "has no local endpoints" (else: no endpoints) */
};

enum wr_cause {
	WR_CAUSE_NO_LISTENER,
	WR_CAUSE_FIREWALL_REJECT,
	WR_CAUSE_FIREWALL_DROP,
	WR_CAUSE_BACKLOG_FULL,
	WR_CAUSE_OTHER_DROP,
	/* the default mode: a rule rejected or dropped it, and what it answered was not watched. */
	WR_CAUSE_FIREWALL_BLOCKED,
	/* The listener resent its SYN-ACK; the client's ACK never came back. */
	WR_CAUSE_HANDSHAKE_INCOMPLETE,
	WR_CAUSE_LAST = WR_CAUSE_HANDSHAKE_INCOMPLETE,
};

/* Where NAT sent the SYN before it was refused (nat.c, nat_lookup.c). */
struct wr_nat {
	bool found;
	uint32_t netns;			/* the namespace whose conntrack translated it */
	char daddr[WR_ADDR_STRLEN];	/* what the client dialled */
	uint8_t daddr_raw[16];		/* the same, network order */
	uint16_t dport;
	char to_daddr[WR_ADDR_STRLEN];	/* where NAT sent it */
	uint16_t to_dport;
	char told[384];			/* nat.c's sentence, kept for an explanation rewritten */
};

/* The route this namespace gives a packet to the client (route_back.c). */
struct wr_route_back {
	bool looked;			/* asked the kernel (RTM_GETROUTE) */
	int error;			/* its answer was an error (errno): no route back */
	char dev[64];			/* the interface the answer leaves by */
	char via[WR_ADDR_STRLEN];	/* the gateway, "" when on-link */
	char src[WR_ADDR_STRLEN];	/* the source address the answer gets */
	char command[256];		/* how to ask again: ip route get ... in that netns */
	char prefix[WR_ADDR_STRLEN + 1100];	/* how to run a command there: ip netns exec NAME */
	/* IP_RPFILTER: the reverse-path filter in force where the SYN came in. */
	int rp_filter;			/* max(all, in_dev): 0 off, 1 strict, 2 loose; -1 unread */
	int rp_all, rp_dev;		/* net.ipv4.conf.{all,IN_DEV}.rp_filter */
	char in_dev[64];		/* the interface the SYN came in by */
};

#define WR_TPROXY_SHOWN	2

/* A TPROXY rule that dropped the SYN (tproxy.c): its port, where no transparent socket listens. */
struct wr_tproxy {
	uint16_t port;			/* 0: not a TPROXY drop */
	unsigned n_listening;
	char listening[WR_TPROXY_SHOWN][256];	/* what listens on port instead, described */
};

struct wr_refusal {
	struct timespec ts;		/* wall clock, UTC */
	uint8_t kind;			/* enum wr_event_kind */
	uint8_t source;			/* enum wr_source */
	int family;			/* AF_INET or AF_INET6 */
	char saddr[WR_ADDR_STRLEN];
	char daddr[WR_ADDR_STRLEN];
	uint8_t daddr_raw[16];		/* network order, for matching listeners */
	uint8_t saddr_raw[16];		/* network order, for matching traces */
	uint16_t sport;
	uint16_t dport;
	uint32_t netns;
	uint32_t ifindex;
	uint32_t retries;
	const char *reason;		/* kernel enum name without prefix, e.g. "NO_SOCKET" */
	const char *location;		/* function that freed the SYN, or NULL */
	uint8_t reply;			/* enum wr_reply */
	bool answers_unwatched;		/* the default mode: reply NONE may still be a REJECT */
	uint8_t icmp_type;
	uint8_t icmp_code;
	const char *hook;		/* the hook that saw it, e.g. "fentry/tcp_v4_send_reset" */
	bool queue_full_seen;		/* a function hook saw the accept queue over its limit */
	uint32_t queue, max_queue;	/* then: its length and limit at that moment */
	uint8_t synack_rtx;		/* handshake_incomplete: SYN-ACKs resent so far */
	struct wr_route_back route_back;	/* the way back to the client, where it matters */
	/* syn_queue.c: a listener's SYN queue (LISTEN_DROP, backlog_full). */
	struct {
		bool looked;
		int64_t drops, cookies;	/* TCPReqQFullDrop / TCPReqQFullDoCookies growth */
		bool since_start;	/* first look in this netns: since it was made */
		int syncookies;		/* net.ipv4.tcp_syncookies there; -1 unread */
	} syn_queue;
	/* conntrack_stat.c: conntrack's counters, for a NETFILTER_DROP (growth, as syn_queue). */
	struct {
		bool looked;
		bool dropped;		/* conntrack dropped it: a full table, not a rule */
		int64_t drop, early_drop, insert_failed, invalid;
		int64_t count, max;	/* nf_conntrack_count / _max there; -1 unread */
		bool since_start;
		char ns_prefix[320];	/* runs a command there: "ip netns exec NAME " */
	} conntrack;
	/* Where a verdict hook runs (fexit/kretprobe): the table that said NF_DROP. */
	uint8_t nf_backend;		/* enum wr_nf_backend */
	uint8_t nf_hook;		/* NF_INET_* */
	char nf_table[WR_NF_NAME_LEN];
	char nf_chain[WR_NF_NAME_LEN];

	struct wr_nat nat;		/* nat_lookup.c: the destination before DNAT */
	bool in_container;		/* the refusal's namespace is a container's: */
	struct wr_container container;	/* containers.c */
	/* ... or the container a forwarded SYN was for, found by its address (container_addr.c) */
	bool container_by_addr;

	/* Filled by wr_verdict() (verdict.c) alone; before it, the event's cause (wr_explain). */
	enum wr_cause cause;
	const char *client_sees;	/* what connect() reports on the client */
	char explanation[WR_TEXT_LEN];
	char hints[WR_MAX_HINTS][WR_TEXT_LEN];
	size_t n_hints;

	/* Filled by hints.c: listeners nearby and the one that stopped (hints: their words). */
	bool listeners_looked;
	struct wr_related related[WR_MAX_RELATED];
	size_t n_related;
	bool has_last_listener;
	struct wr_listen_record last_listener;
	struct wr_proc_end last_end;	/* how its process ended; how == WR_END_NONE: not known */
	unsigned restarts;		/* its service's stops in the last 2 min */
	uint64_t listen_overflows;	/* backlog_full: ListenOverflows moved by this much */
	bool queue_looked;		/* hints.c looked at the accept queue (the two above) */

	/* Filled by fw_rules.c for the firewall causes. */
	struct wr_rule rule;
	struct wr_tproxy tproxy;
	bool port_listening;		/* firewall causes: a socket listened on dport (metrics) */

	/* Filled by unit_lane.c: the systemd unit that should listen on dport. */
	bool has_unit;
	struct wr_unit_facts unit;
	struct wr_unit_advice unit_advice;

	/* A BPF program that decided about the SYN (blocker_words.c, bpf_lane.c). */
	struct wr_blocker blocker;
};

/* A value -> name table read from kernel BTF (kernel_names.c). */
struct wr_enum_name {
	uint32_t value;
	const char *name;
};

struct wr_enum_table {
	const struct wr_enum_name *entries;
	size_t n;
};

const char *wr_enum_lookup(const struct wr_enum_table *t, uint32_t value);

#endif /* WR_REFUSAL_H */
