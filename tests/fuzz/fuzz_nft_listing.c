// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: nft's listings as fw_rules.c reads them: `nft -j list ruleset`
 * checked for line breaks in strings, one chain cut out of `nft -s -a list
 * ruleset`, its rules found by handle, counted, its jumps, a rule's set.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "nft_listing.h"
#include "rule_sets.h"

static char chain[65536];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), rule[256], set[64], jumps[192];
	const char *listing;
	unsigned number;
	bool ipset;

	if (!text)
		return 0;
	wr_nft_json_lines_trusted(text);
	listing = text;
	if (!wr_nft_listing_chain(text, "inet", "wrfw", "input", chain, sizeof(chain)) ||
	    !wr_nft_listing_chain(text, "ip", "filter", "INPUT", chain, sizeof(chain)))
		listing = chain;
	wr_nft_listing_count(listing);
	wr_nft_listing_jumps(listing, jumps, sizeof(jumps));
	for (uint64_t handle = 1; handle <= 16; handle++)
		if (!wr_nft_listing_find(listing, handle, rule, sizeof(rule), &number))
			wr_rule_set_name(rule, set, sizeof(set), &ipset);
	wr_nft_listing_find(listing, UINT64_MAX, rule, 8, &number);
	free(text);
	return 0;
}
