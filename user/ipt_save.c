// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "ipt_save.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "word_list.h"

static int add(struct wr_ipt_snapshot *s, const struct wr_ipt_entry *e)
{
	if (wr_grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v)))
		return -ENOMEM;
	s->v[s->n++] = *e;
	return 0;
}

void wr_ipt_free(struct wr_ipt_snapshot *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Rules of one chain so far, to number the next one. */
static unsigned count_rules(const struct wr_ipt_snapshot *s, const char *table, const char *chain)
{
	unsigned n = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].number && !strcmp(s->v[i].table, table) && !strcmp(s->v[i].chain, chain))
			n++;
	return n;
}

/* ":INPUT DROP [12:720]" */
static int parse_policy(struct wr_ipt_snapshot *s, const char *table, const char *line)
{
	struct wr_ipt_entry e = { 0 };
	char chain[32], policy[16];
	uint64_t pkts, bytes;

	if (sscanf(line, ":%31s %15s [%" SCNu64 ":%" SCNu64 "]", chain, policy, &pkts,
		   &bytes) != 4 || !strcmp(policy, "-"))
		return 0;	/* a user chain has no policy */
	snprintf(e.table, sizeof(e.table), "%s", table);
	snprintf(e.chain, sizeof(e.chain), "%s", chain);
	e.packets = pkts;
	snprintf(e.text, sizeof(e.text), "-P %s %s", chain, policy);
	return add(s, &e);
}

/* "[3:180] -A INPUT -p tcp -m tcp --dport 22 -j DROP" */
static int parse_rule(struct wr_ipt_snapshot *s, const char *table, const char *line,
		      size_t len)
{
	struct wr_ipt_entry e = { 0 };
	uint64_t pkts, bytes;
	const char *rule;
	int off = 0;

	if (sscanf(line, "[%" SCNu64 ":%" SCNu64 "] %n", &pkts, &bytes, &off) != 2 || !off)
		return 0;
	rule = line + off;
	if (strncmp(rule, "-A ", 3) || sscanf(rule + 3, "%31s", e.chain) != 1)
		return 0;
	snprintf(e.table, sizeof(e.table), "%s", table);
	e.packets = pkts;
	e.number = count_rules(s, table, e.chain) + 1;
	snprintf(e.text, sizeof(e.text), "%.*s", (int)(len - (size_t)(rule - line)), rule);
	return add(s, &e);
}

int wr_ipt_parse(const char *save, struct wr_ipt_snapshot *s)
{
	char table[32] = "", line[512];
	const char *p = save;
	int err = 0;

	while (*p && !err) {
		size_t ll = strcspn(p, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)ll, p);
		if (line[0] == '*')
			snprintf(table, sizeof(table), "%s", line + 1);
		else if (line[0] == ':' && table[0])
			err = parse_policy(s, table, line);
		else if (line[0] == '[' && table[0])
			err = parse_rule(s, table, line, strlen(line));
		p += ll;
		if (*p)
			p++;
	}
	return err;
}

/* `word` in text as a whole word: "-j DROP" must not match "-j DROPPER". */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = text; (p = strstr(p, word)) != NULL; p++)
		if (p[n] == '\0' || p[n] == ' ')
			return true;
	return false;
}

bool wr_ipt_refuses(const struct wr_ipt_entry *e)
{
	if (!e->number)
		return has_word(e->text, " DROP");
	return has_word(e->text, " -j DROP") || has_word(e->text, " -j REJECT");
}

static const struct wr_ipt_entry *find(const struct wr_ipt_snapshot *s,
				       const struct wr_ipt_entry *e)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].number == e->number && !strcmp(s->v[i].table, e->table) &&
		    !strcmp(s->v[i].chain, e->chain) && !strcmp(s->v[i].text, e->text))
			return &s->v[i];
	return NULL;
}

const struct wr_ipt_entry *wr_ipt_diff(const struct wr_ipt_snapshot *before,
				       const struct wr_ipt_snapshot *after, const char *table)
{
	const struct wr_ipt_entry *best = NULL;
	uint64_t best_delta = 0;

	for (size_t i = 0; i < after->n; i++) {
		const struct wr_ipt_entry *a = &after->v[i], *b;
		uint64_t delta;

		if (!wr_ipt_refuses(a) || (table && strcmp(a->table, table)))
			continue;
		b = find(before, a);
		delta = a->packets - (b ? b->packets : 0);
		if (b && a->packets > b->packets && delta > best_delta) {
			best = a;
			best_delta = delta;
		}
	}
	return best;
}

/* Calls fn for each line of `table`'s section of the save text. */
static void each_line(const char *save, const char *table,
		      void (*fn)(const char *line, size_t ll, void *arg), void *arg)
{
	size_t tl = strlen(table);
	bool in = false;

	for (const char *p = save; *p;) {
		size_t ll = strcspn(p, "\n");

		if (*p == '*')
			in = ll == tl + 1 && !strncmp(p + 1, table, tl);
		else if (in)
			fn(p, ll, arg);
		p += ll + (p[ll] ? 1 : 0);
	}
}

struct jumps_arg {
	char chains[4096];	/* the table's user chains (":NAME - [0:0]") */
	const char *chain;
	char *out;
	size_t len;
};

static void user_chain(const char *line, size_t ll, void *arg)
{
	struct jumps_arg *a = arg;
	size_t n = strcspn(line + 1, " \n");

	if (line[0] == ':' && n + 4 <= ll && !strncmp(line + 1 + n, " - ", 3))
		wr_words_add(a->chains, sizeof(a->chains), line + 1, n);
}

static void jump_of(const char *line, size_t ll, void *arg)
{
	struct jumps_arg *a = arg;
	size_t cl = strlen(a->chain);
	const char *end = line + ll;

	if (line[0] == '[')	/* "[pkts:bytes] -A ..." with -c */
		line += strcspn(line, " ") + (line < end);
	if (strncmp(line, "-A ", 3) || strncmp(line + 3, a->chain, cl) || line[3 + cl] != ' ')
		return;
	for (const char *p = line; p + 4 < end; p++) {
		size_t n;

		if (strncmp(p, " -j ", 4) && strncmp(p, " -g ", 4))
			continue;
		n = strcspn(p + 4, " \n");
		if (wr_words_has(a->chains, p + 4, n))
			wr_words_add(a->out, a->len, p + 4, n);
	}
}

void wr_ipt_save_jumps(const char *save, const char *table, const char *chain, char *out,
		       size_t len)
{
	struct jumps_arg a = { .chain = chain, .out = out, .len = len };

	out[0] = '\0';
	each_line(save, table, user_chain, &a);
	each_line(save, table, jump_of, &a);
}
