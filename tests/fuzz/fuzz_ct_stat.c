// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: a namespace's /proc/net/stat/nf_conntrack (a header, a line of
 * hex per CPU), and the same bytes as a rule's text (ct state invalid?).
 */
#include <stdint.h>
#include <stdlib.h>

#include "conntrack_stat.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wr_ct_counters c;
	char *text = fuzz_string(data, size);

	if (!text)
		return 0;
	if (!wr_ct_stat_parse(text, &c) &&
	    (c.drop < 0 || c.early_drop < 0 || c.insert_failed < 0 || c.invalid < 0))
		abort();	/* sums of unsigned values */
	wr_conntrack_invalid_rule(text);
	free(text);
	return 0;
}
