// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nft_listing.h"

#include <inttypes.h>
#include <stdbool.h>
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

/* Is [line, line+ll) exactly `prefix NAME {`, optionally followed by " # handle N"? */
static bool header_is(const char *line, size_t ll, const char *prefix, const char *name)
{
	size_t pl = strlen(prefix), nl = strlen(name);
	const char *rest = line + pl + nl;
	size_t left;

	if (ll < pl + nl + 2 || strncmp(line, prefix, pl) || strncmp(line + pl, name, nl) ||
	    strncmp(rest, " {", 2))
		return false;
	rest += 2;
	left = ll - pl - nl - 2;
	if (!left)
		return true;
	if (left <= strlen(HANDLE_MARK) || strncmp(rest, HANDLE_MARK, strlen(HANDLE_MARK)))
		return false;
	for (size_t i = strlen(HANDLE_MARK); i < left; i++)
		if (rest[i] < '0' || rest[i] > '9')
			return false;
	return true;
}

static bool line_is(const char *line, size_t ll, const char *s)
{
	return ll == strlen(s) && !strncmp(line, s, ll);
}

int wr_nft_listing_chain(const char *ruleset, const char *family, const char *table,
			 const char *chain, char *out, size_t len)
{
	char table_prefix[64];
	const char *line = ruleset, *start = NULL;
	bool in_table = false;

	if (snprintf(table_prefix, sizeof(table_prefix), "table %s ", family) >=
	    (int)sizeof(table_prefix))
		return -1;
	while (*line) {
		size_t ll = strcspn(line, "\n");

		if (!in_table)
			in_table = header_is(line, ll, table_prefix, table);
		else if (line_is(line, ll, "}"))
			in_table = false;	/* tables are not nested: the next may match */
		else if (!start && header_is(line, ll, "\tchain ", chain))
			start = line;
		else if (start && line_is(line, ll, "\t}")) {
			size_t n = (size_t)(line + ll - start);

			if (n + 2 > len)
				return -1;
			memcpy(out, start, n);
			out[n] = '\n';
			out[n + 1] = '\0';
			return 0;
		}
		line += ll;
		if (*line)
			line++;
	}
	return -1;
}

bool wr_nft_json_lines_trusted(const char *json)
{
	bool in_string = false;
	long depth = 0, opened = 0;

	for (const char *p = json; *p; p++) {
		if (!in_string) {
			in_string = *p == '"';
			if (*p == '{' || *p == '[')
				depth++, opened++;
			else if ((*p == '}' || *p == ']') && --depth < 0)
				return false;
			continue;
		}
		if (*p == '"')
			in_string = false;
		else if (*p == '\n')
			return false;
		else if (*p == '\\') {
			if (p[1] == 'n' ||
			    (p[1] == 'u' && !strncmp(p + 2, "000", 3) && (p[5] == 'a' || p[5] == 'A')))
				return false;
			if (p[1])
				p++;
		}
	}
	/* A string or a bracket left open, or nothing at all: the document was cut. */
	return !in_string && !depth && opened;
}
