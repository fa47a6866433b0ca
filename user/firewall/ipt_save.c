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

/* FNV-1a over a string and its terminator, so "ab"+"c" and "a"+"bc" differ. */
static uint64_t hash_str(uint64_t h, const char *str)
{
	do {
		h ^= (unsigned char)*str;
		h *= 0x100000001b3ULL;
	} while (*str++);
	return h;
}

#define HASH_SEED 0xcbf29ce484222325ULL

/*
 * Rules of each chain so far, to number the next one. A hash, not a rescan
 * of the entries: the parse runs on every legacy refusal and a rescan made
 * it quadratic (a quarter of a second for 7,000 rules). A chain's rules are
 * contiguous in iptables-save's output, but nothing here relies on it.
 */
struct chain_slot {
	char table[32];
	char chain[32];
	unsigned rules;		/* 0: a free slot */
};

struct chain_counts {
	struct chain_slot *v;
	size_t n, cap;		/* cap: a power of two, at most half used */
};

static struct chain_slot *chain_slot(struct chain_slot *v, size_t cap, const char *table,
				     const char *chain)
{
	size_t i = hash_str(hash_str(HASH_SEED, table), chain) & (cap - 1);

	while (v[i].rules && (strcmp(v[i].table, table) || strcmp(v[i].chain, chain)))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

static int chain_counts_grow(struct chain_counts *c)
{
	size_t cap = c->cap ? c->cap * 2 : 64;
	struct chain_slot *v = calloc(cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < c->cap; i++)
		if (c->v[i].rules)
			*chain_slot(v, cap, c->v[i].table, c->v[i].chain) = c->v[i];
	free(c->v);
	c->v = v;
	c->cap = cap;
	return 0;
}

/* The number of the next rule of `chain`, counted; 0 when out of memory. */
static unsigned next_rule_number(struct chain_counts *c, const char *table, const char *chain)
{
	struct chain_slot *slot;

	if ((c->n + 1) * 2 > c->cap && chain_counts_grow(c))
		return 0;
	slot = chain_slot(c->v, c->cap, table, chain);
	if (!slot->rules) {
		snprintf(slot->table, sizeof(slot->table), "%s", table);
		snprintf(slot->chain, sizeof(slot->chain), "%s", chain);
		c->n++;
	}
	return ++slot->rules;
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
static int parse_rule(struct wr_ipt_snapshot *s, struct chain_counts *counts, const char *table,
		      const char *line, size_t len)
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
	e.number = next_rule_number(counts, e.table, e.chain);
	if (!e.number)
		return -ENOMEM;
	snprintf(e.text, sizeof(e.text), "%.*s", (int)(len - (size_t)(rule - line)), rule);
	return add(s, &e);
}

int wr_ipt_parse(const char *save, struct wr_ipt_snapshot *s)
{
	struct chain_counts counts = { 0 };
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
			err = parse_rule(s, &counts, table, line, strlen(line));
		p += ll;
		if (*p)
			p++;
	}
	free(counts.v);
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

static bool same_entry(const struct wr_ipt_entry *a, const struct wr_ipt_entry *b)
{
	return a->number == b->number && !strcmp(a->table, b->table) &&
	       !strcmp(a->chain, b->chain) && !strcmp(a->text, b->text);
}

static size_t entry_hash(const struct wr_ipt_entry *e)
{
	uint64_t h = HASH_SEED ^ e->number;

	return hash_str(hash_str(hash_str(h, e->table), e->chain), e->text);
}

/*
 * The entries of `before` by hash, to find each entry of `after` in O(1): a
 * scan of `before` per entry made the diff quadratic too. Slots hold an
 * index + 1 (0: free); equal entries keep their order, so the first wins as
 * a scan would have it.
 */
struct entry_index {
	const struct wr_ipt_snapshot *s;
	size_t *slot;
	size_t cap;
};

static int index_build(struct entry_index *x, const struct wr_ipt_snapshot *s)
{
	x->s = s;
	for (x->cap = 64; x->cap < s->n * 2; x->cap *= 2)
		;
	x->slot = calloc(x->cap, sizeof(*x->slot));
	if (!x->slot)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		size_t h = entry_hash(&s->v[i]) & (x->cap - 1);

		while (x->slot[h])
			h = (h + 1) & (x->cap - 1);
		x->slot[h] = i + 1;
	}
	return 0;
}

static const struct wr_ipt_entry *find(const struct entry_index *x, const struct wr_ipt_entry *e)
{
	size_t h = entry_hash(e) & (x->cap - 1);

	for (; x->slot[h]; h = (h + 1) & (x->cap - 1))
		if (same_entry(&x->s->v[x->slot[h] - 1], e))
			return &x->s->v[x->slot[h] - 1];
	return NULL;
}

const struct wr_ipt_entry *wr_ipt_diff(const struct wr_ipt_snapshot *before,
				       const struct wr_ipt_snapshot *after, const char *table)
{
	const struct wr_ipt_entry *best = NULL;
	struct entry_index x;
	uint64_t best_delta = 0;

	/* Out of memory: no rule named, as when nothing counted. */
	if (index_build(&x, before))
		return NULL;
	for (size_t i = 0; i < after->n; i++) {
		const struct wr_ipt_entry *a = &after->v[i], *b;
		uint64_t delta;

		if (!wr_ipt_refuses(a) || (table && strcmp(a->table, table)))
			continue;
		b = find(&x, a);
		delta = a->packets - (b ? b->packets : 0);
		if (b && a->packets > b->packets && delta > best_delta) {
			best = a;
			best_delta = delta;
		}
	}
	free(x.slot);
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
	size_t n;

	if (line[0] != ':')
		return;
	n = strcspn(line + 1, " \n");
	if (n + 4 <= ll && !strncmp(line + 1 + n, " - ", 3))
		wr_words_add(a->chains, sizeof(a->chains), line + 1, n);
}

static void jump_of(const char *line, size_t ll, void *arg)
{
	struct jumps_arg *a = arg;
	size_t cl = strlen(a->chain);
	const char *end = line + ll, *space;

	if (line[0] == '[') {	/* "[pkts:bytes] -A ..." with -c */
		/* Only within the line: a save cut short may end in a bare "[12:345]". */
		space = memchr(line, ' ', ll);
		if (!space)
			return;
		line = space + 1;
	}
	if ((size_t)(end - line) < cl + 4 || memcmp(line, "-A ", 3) ||
	    memcmp(line + 3, a->chain, cl) || line[3 + cl] != ' ')
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
