// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "word_list.h"

#include <stdio.h>
#include <string.h>

bool wr_words_has(const char *list, const char *word, size_t n)
{
	while (*list) {
		size_t w = strcspn(list, " ");

		if (w == n && !strncmp(list, word, n))
			return true;
		list += w + (list[w] ? 1 : 0);
	}
	return false;
}

void wr_words_add(char *list, size_t len, const char *word, size_t n)
{
	size_t used = strlen(list);

	if (!n || wr_words_has(list, word, n) || used + n + 2 > len)
		return;
	snprintf(list + used, len - used, "%s%.*s", used ? " " : "", (int)n, word);
}
