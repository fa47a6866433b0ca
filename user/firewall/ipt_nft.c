// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "ipt_nft.h"

#include <stdio.h>
#include <string.h>

const char *wr_ipt_nft_table(const char *family, const char *table)
{
	static const char *const tables[] = { "filter", "nat", "mangle", "raw", "security" };

	if (strcmp(family, "ip") && strcmp(family, "ip6"))
		return NULL;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (!strcmp(table, tables[i]))
			return tables[i];
	return NULL;
}

/* Does `line` (length ll) start with "<op> <chain> " or equal "<op> <chain>"? */
static bool starts(const char *line, size_t ll, const char *op, const char *chain)
{
	size_t ol = strlen(op), cl = strlen(chain);

	return ll >= ol + 1 + cl && !strncmp(line, op, ol) && line[ol] == ' ' &&
	       !strncmp(line + ol + 1, chain, cl) && (ll == ol + 1 + cl || line[ol + 1 + cl] == ' ');
}

int wr_ipt_rule_line(const char *dump, const char *chain, unsigned number, unsigned expected,
		     char *out, size_t len)
{
	const char *line = dump, *found = NULL;
	size_t found_len = 0;
	unsigned n = 0;

	while (*line) {
		size_t ll = strcspn(line, "\n");

		if (starts(line, ll, "-A", chain) && ++n == number) {
			found = line;
			found_len = ll;
		} else if (!number && starts(line, ll, "-P", chain)) {
			found = line;
			found_len = ll;
		}
		line += ll;
		if (*line)
			line++;
	}
	if (!found || n != expected)
		return -1;
	snprintf(out, len, "%.*s", (int)found_len, found);
	return 0;
}
