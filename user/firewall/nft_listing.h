/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A rule's text, found by handle in nft's own listing. The listing is of the
 * whole ruleset (`nft -s -a list ruleset`, fixed arguments): table and chain
 * names were chosen by the namespace's owner and never reach a command line.
 * They are matched here, in memory, against the names the kernel's trace
 * gave. nft prints names as they are, so a name holding a line break could
 * forge lines: `nft -j list ruleset` tells first whether any string does.
 */
#ifndef WR_NFT_LISTING_H
#define WR_NFT_LISTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Copies the rule with `handle` (without its "# handle N" comment and
 * indentation) into text and its 1-based position in the chain into
 * *number. Returns 0, or -1 when the listing has no such rule.
 */
int wr_nft_listing_find(const char *listing, uint64_t handle, char *text, size_t len,
			unsigned *number);
/* How many rules the listing holds. */
unsigned wr_nft_listing_count(const char *listing);
/*
 * The chains the listed chain's rules jump to or go to ("jump NAME",
 * "goto NAME"), space-separated, first first, each once: who hooked their
 * chains into a base chain is likely who set its policy.
 */
void wr_nft_listing_jumps(const char *listing, char *out, size_t len);

/*
 * From a whole-ruleset listing, the lines of chain `chain` of table
 * `family table` (from its "chain NAME {" line to its closing brace) into
 * out: what wr_nft_listing_find/_count/_jumps read. Names are compared
 * byte for byte. Returns 0, or -1 when there is no such chain or its lines
 * do not fit in `len` (a cut listing is never trusted).
 */
int wr_nft_listing_chain(const char *ruleset, const char *family, const char *table,
			 const char *chain, char *out, size_t len);
/*
 * Is `nft -j list ruleset` output whole, with no string holding a line
 * break (a name, comment or element: "\n" or "\u000a")? Only then is the
 * text listing of the same ruleset read line by line.
 */
bool wr_nft_json_lines_trusted(const char *json);

#endif /* WR_NFT_LISTING_H */
