// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libFuzzer: `iptables -S` output, a rule found by its number in a chain, its set. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "ipt_nft.h"
#include "rule_sets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const chains[] = { "INPUT", "ufw-user-input", "" };
	char *dump = fuzz_string(data, size), out[256], tiny[8], set[64];
	bool ipset;

	if (!dump)
		return 0;
	for (unsigned c = 0; c < 3; c++)
		for (unsigned number = 0; number < 4; number++) {
			if (!wr_ipt_rule_line(dump, chains[c], number, 3, out, sizeof(out)))
				wr_rule_set_name(out, set, sizeof(set), &ipset);	/* -m set */
			wr_ipt_rule_line(dump, chains[c], number, number, tiny, sizeof(tiny));
		}
	free(dump);
	return 0;
}
