// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "rule_sets.h"

#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "shell_quote.h"

/* The set name after `mark` in text (up to a space, quote or end), or false. */
static bool set_after(const char *text, const char *mark, char *name, size_t len)
{
	const char *p = strstr(text, mark);
	size_t n;

	if (!p)
		return false;
	p += strlen(mark);
	n = strcspn(p, " \t\"'}");
	if (!n || n >= len)
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	return true;
}

bool wr_rule_set_name(const char *text, char *name, size_t len, bool *ipset)
{
	*ipset = set_after(text, "--match-set ", name, len);
	return *ipset || set_after(text, "saddr @", name, len);
}

void wr_rule_sets_hint(struct wr_refusal *r)
{
	char set[256], qset[WR_QUOTED_LEN], qtable[WR_QUOTED_LEN];
	bool ipset;

	if (!r->rule.present || !r->rule.found || !wr_rule_set_name(r->rule.text, set, sizeof(set),
								     &ipset))
		return;
	wr_shell_quote(set, qset, sizeof(qset));
	if (ipset)
		wr_add_hint(r, "the client %s is in ipset %s: ipset list %s", r->saddr, qset, qset);
	else
		wr_add_hint(r, "the client %s is in set %s: nft list set %s %s %s", r->saddr, qset,
			    r->rule.family, wr_shell_quote(r->rule.table, qtable, sizeof(qtable)),
			    qset);
}
