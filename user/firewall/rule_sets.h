/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A rule that matches the client through a set (nft `ip saddr @addr-set-sshd`,
 * iptables `-m set --match-set f2b-sshd src`): the client's address is in
 * that set, and that is what to change. Read from the rule's text.
 */
#ifndef WR_RULE_SETS_H
#define WR_RULE_SETS_H

#include <stdbool.h>
#include <stddef.h>

#include "refusal.h"

/* The set a rule's text matches through; *ipset: an iptables ipset, not an nft set. */
bool wr_rule_set_name(const char *text, char *name, size_t len, bool *ipset);
/* For a found rule matching through a set: a hint naming the set and how to list it. */
void wr_rule_sets_hint(struct wr_refusal *r);

#endif /* WR_RULE_SETS_H */
