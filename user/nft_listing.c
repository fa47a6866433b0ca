// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nft_listing.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "word_list.h"

#define HANDLE_MARK " # handle "

/* Finds rule `handle` (copied as wr_nft_listing_find says); handle 0: counts rules only. */
static int scan(const char *listing, uint64_t handle, char *text, size_t len, unsigned *number)
{
	const char *line = listing;
	unsigned n = 0;

	while (*line) {
		size_t ll = strcspn(line, "\n");
		const char *mark = NULL, *p;

		/* The last " # handle " on the line: a comment may contain one too. */
		for (p = line; (p = strstr(p, HANDLE_MARK)) && p < line + ll; p++)
			mark = p;
		/* "table inet t { # handle 5", "chain input { # handle 1": not rules. */
		if (mark && mark > line && mark[-1] == '{')
			mark = NULL;
		if (mark) {
			char *end;
			uint64_t h = strtoull(mark + strlen(HANDLE_MARK), &end, 10);
			const char *start = line;

			n++;
			if (handle && h == handle && (end == line + ll || *end == '\n' || *end == ' ')) {
				while (start < mark && (*start == '\t' || *start == ' '))
					start++;
				snprintf(text, len, "%.*s", (int)(mark - start), start);
				*number = n;
				return 0;
			}
		}
		line += ll;
		if (*line)
			line++;
	}
	*number = n;
	return -1;
}

int wr_nft_listing_find(const char *listing, uint64_t handle, char *text, size_t len,
			unsigned *number)
{
	unsigned n;

	if (!handle || scan(listing, handle, text, len, &n))
		return -1;
	*number = n;
	return 0;
}

unsigned wr_nft_listing_count(const char *listing)
{
	unsigned n;

	scan(listing, 0, NULL, 0, &n);
	return n;
}

void wr_nft_listing_jumps(const char *listing, char *out, size_t len)
{
	out[0] = '\0';
	for (const char *p = listing; *p; p++)
		if (!strncmp(p, " jump ", 6) || !strncmp(p, " goto ", 6))
			wr_words_add(out, len, p + 6, strcspn(p + 6, " \t\n;}"));
}
