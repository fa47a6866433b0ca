// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: the space-separated chain lists built from listings (jumps of a
 * policy's chain). Input: words separated by newlines, added to a list of
 * 48 bytes, each looked up again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "word_list.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), list[48] = "";

	if (!text)
		return 0;
	for (const char *w = text; *w;) {
		size_t n = strcspn(w, "\n");

		wr_words_add(list, sizeof(list), w, n);
		wr_words_has(list, w, n);
		w += n + (w[n] ? 1 : 0);
	}
	free(text);
	return 0;
}
