/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Who owns a firewall rule: fail2ban, ufw, firewalld, Docker, podman,
 * kube-proxy... named from where the rule lives (its chain or table, or the
 * set it matches the client through), and who owns a BPF program that
 * decided about a SYN (Cilium, Calico, systemd: its name, its holder's comm
 * or unit), by
 * the patterns of tools/rule_owners.conf (built in) and of a file the user
 * keeps (--rule-owners, /etc/whyrefused/rule-owners.conf), with the owner's
 * own command to look further or undo it.
 */
#ifndef WR_RULE_OWNERS_H
#define WR_RULE_OWNERS_H

#include <stddef.h>

#include "refusal.h"

#define WR_DEFAULT_RULE_OWNERS "/etc/whyrefused/rule-owners.conf"

struct wr_owner_pattern {
	char kind;		/* 'c': chain, 't': table, 's': set, 'p': policy; a BPF
				 * program's: 'b' its name, 'h' its holder's comm, 'u' its unit */
	char pattern[64];	/* a glob with at most one '*' */
	char owner[96];
	char command[256];
};

struct wr_owners {
	struct wr_owner_pattern *v;
	size_t n, cap;
};

/*
 * Appends the patterns of `text` (rule_owners.conf syntax). Returns 0, or -1
 * with `err` naming `origin`, the line and what is wrong with it.
 */
int wr_owners_parse(struct wr_owners *o, const char *text, const char *origin, char *err,
		    size_t errlen);
/*
 * The user's file (`path`; a missing default file is fine), then the
 * built-in list. Returns 0 or -1 with `err`.
 */
int wr_owners_load(struct wr_owners *o, const char *path, bool path_given, char *err,
		   size_t errlen);
/* For a refusal whose rule was found: rule.owner and rule.owner_command (facts only). */
void wr_owners_name(const struct wr_owners *o, struct wr_refusal *r);
/* verdict.c: the hint that names the rule's owner and its command, once one is known. */
void wr_owner_hint(struct wr_refusal *r);
/*
 * For a refusal whose BPF program was named (blocker.h): blocker.owner and
 * blocker.owner_command from the first `program`, `holder` or `unit`
 * pattern that matches (facts only).
 */
void wr_owners_name_blocker(const struct wr_owners *o, struct wr_refusal *r);
/* verdict.c: the hint that names a BPF program's owner and its command. */
void wr_blocker_owner_hint(struct wr_refusal *r);
void wr_owners_free(struct wr_owners *o);

#endif /* WR_RULE_OWNERS_H */
