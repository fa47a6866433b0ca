/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A rule's text, found by handle in `nft -s -a list chain ...` output. */
#ifndef WR_NFT_LISTING_H
#define WR_NFT_LISTING_H

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

#endif /* WR_NFT_LISTING_H */
