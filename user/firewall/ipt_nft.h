/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Rules written with iptables (iptables-nft, Debian's default) shown as
 * their authors wrote them: `iptables -S` prints a rule's comment and
 * --reject-with, which nft's listing of the same rule loses. The trace
 * names a rule by nft handle; its position in the chain finds the same rule
 * in `iptables -S CHAIN`, as long as both list the same number of rules.
 */
#ifndef WR_IPT_NFT_H
#define WR_IPT_NFT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A table iptables-nft makes: family ip or ip6 and one of iptables' own
 * table names (filter, nat, mangle, raw, security). Hand-written nftables
 * rulesets use their own names (inet filter input...) and keep nft syntax.
 * Returns our own copy of the name (what a command line may hold), or NULL.
 */
const char *wr_ipt_nft_table(const char *family, const char *table);

/*
 * From `iptables -t TABLE -S` output, the `number`-th "-A CHAIN" rule (1-based)
 * into out, when the dump has exactly `expected` rules for the chain; or
 * its "-P CHAIN POLICY" line when number is 0. Returns 0, or -1 when the
 * dump does not match (another tool's rules, a parse failure).
 */
int wr_ipt_rule_line(const char *dump, const char *chain, unsigned number, unsigned expected,
		     char *out, size_t len);

#endif /* WR_IPT_NFT_H */
