// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: `iptables-legacy-save -c` text, as fw_rules.c reads it before
 * and after a retry. Input: BEFORE, a NUL, AFTER (no NUL: both the same).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "ipt_save.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wr_ipt_snapshot before = { 0 }, after = { 0 };
	char *text = fuzz_string(data, size), *second, jumps[192], tiny[8];

	if (!text)
		return 0;
	second = strlen(text) < size ? text + strlen(text) + 1 : text;
	if (!wr_ipt_parse(text, &before) && !wr_ipt_parse(second, &after)) {
		wr_ipt_diff(&before, &after, NULL);
		wr_ipt_diff(&before, &after, "filter");
		for (size_t i = 0; i < after.n && i < 4; i++)
			wr_ipt_save_jumps(second, after.v[i].table, after.v[i].chain, jumps,
					  sizeof(jumps));
	}
	wr_ipt_save_jumps(second, "filter", "INPUT", tiny, sizeof(tiny));
	wr_ipt_free(&before);
	wr_ipt_free(&after);
	free(text);
	return 0;
}
