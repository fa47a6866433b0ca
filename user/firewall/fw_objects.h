/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The object a firewall manager calls the rule that blocked by: firewalld's
 * zone (and how the client got there: interface, source, default zone), its
 * rich rule as `firewall-cmd --list-rich-rules` prints it, kube-proxy's
 * Service (`namespace/name:port`). Read from what the kernel's trace and
 * nft's or iptables' listings gave: chain names, rule texts, comments and
 * map elements, all written by whoever owns the namespace, so every parser
 * here is bounded, strict about what it accepts and fuzzed
 * (tests/fuzz/fuzz_fw_objects.c). wr_fw_objects_name() turns the facts into
 * the refusal's fields; wr_fw_objects_hints() (for verdict.c) words them as
 * hints, with commands that run as they are.
 */
#ifndef WR_FW_OBJECTS_H
#define WR_FW_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>

#include "refusal.h"

/* firewalld: "filter_IN_<zone>" or one of its subchains (_pre, _log, _deny, _allow, _post). */
bool wr_fwd_zone_of_chain(const char *chain, char *zone, size_t len);

enum wr_fwd_via {
	WR_FWD_VIA_NONE,
	WR_FWD_VIA_INTERFACE,	/* iifname "DEV" goto filter_IN_<zone> */
	WR_FWD_VIA_SOURCE,	/* ip saddr ADDR goto filter_IN_<zone> (ip6, prefixes) */
	WR_FWD_VIA_DEFAULT,	/* goto filter_IN_<zone>: the default zone */
};

/*
 * A rule of firewalld's zone dispatch (filter_INPUT_ZONES), as nft prints it:
 * the zone it sends to and why (the interface or the source in `what`).
 */
enum wr_fwd_via wr_fwd_dispatch(const char *text, char *zone, size_t zlen, char *what,
				size_t wlen);

/*
 * The rich rule firewalld rendered as `text` (a rule of filter_IN_<zone>_deny
 * or _allow), as firewall-cmd --list-rich-rules prints it, when the text is
 * one firewalld renders from family, source, port and protocol, and reject or
 * drop: `rule family="ipv4" source address="192.0.2.3" port port="8081"
 * protocol="tcp" reject`. False for anything else (a service, a log, a limit...).
 */
bool wr_fwd_rich_rule(const char *text, char *out, size_t len);

/*
 * kube-proxy: a Service port `namespace/name:port` at the start of `s`
 * (a rule's comment or a map element's), checked against Kubernetes' own
 * naming (DNS labels, a port name of [a-z0-9-]). *local: it said "has no
 * local endpoints". Returns false for anything else.
 */
bool wr_kube_service(const char *s, char *svc, size_t len, bool *local);
/* The Service in an iptables rule's `--comment "..."` (iptables -S syntax). */
bool wr_kube_service_of_rule(const char *text, char *svc, size_t len, bool *local);
/*
 * In `nft list map` output, the comment of the element whose key is `key`
 * ("192.0.2.1 . tcp . 443", "tcp . 30080") and its verdict ("drop",
 * "goto reject-chain").
 */
bool wr_kube_map_element(const char *listing, const char *key, char *comment, size_t clen,
			 char *verdict, size_t vlen);
/* The kube-proxy verdict map a rule looks the packet up in, or NULL. */
const char *wr_kube_vmap(const char *text);

/* Fills r->rule's firewalld/kubernetes fields (facts only). */
void wr_fw_objects_name(struct wr_refusal *r);
/* Their hints, from those fields: verdict.c calls it. */
void wr_fw_objects_hints(struct wr_refusal *r);

#endif /* WR_FW_OBJECTS_H */
