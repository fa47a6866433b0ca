/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * iptables-legacy rules and their counters, from `iptables-legacy-save -c`,
 * and which DROP/REJECT rule (or DROP policy) counted packets between two
 * snapshots: how a legacy rule is named without changing the ruleset. Pure.
 */
#ifndef WR_IPT_SAVE_H
#define WR_IPT_SAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wr_ipt_entry {
	char table[32];
	char chain[32];
	unsigned number;	/* 1-based position in its chain; 0 = the chain's policy */
	uint64_t packets;
	char text[256];		/* "-A INPUT -p tcp ... -j DROP", or "-P INPUT DROP" */
};

struct wr_ipt_snapshot {
	struct wr_ipt_entry *v;
	size_t n, cap;
};

int wr_ipt_parse(const char *save, struct wr_ipt_snapshot *s);
void wr_ipt_free(struct wr_ipt_snapshot *s);
/* Does this entry refuse packets (-j DROP, -j REJECT, policy DROP)? */
bool wr_ipt_refuses(const struct wr_ipt_entry *e);
/*
 * The refusing entry of `after` whose packet counter grew the most since
 * `before`, or NULL.
 */
const struct wr_ipt_entry *wr_ipt_diff(const struct wr_ipt_snapshot *before,
				       const struct wr_ipt_snapshot *after, const char *table);

/*
 * The user chains that `chain` of `table` jumps to or goes to (-j/-g), in
 * order, space-separated, from the text of iptables-save: who hooked their
 * chains into a base chain is likely who set its policy.
 */
void wr_ipt_save_jumps(const char *save, const char *table, const char *chain, char *out,
		       size_t len);

#endif /* WR_IPT_SAVE_H */
