// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * causes.c's table against README.md's Causes table: every cause has its
 * row, with its text label, what happened (the cell starts with it) and
 * what the client sees; the README names no cause the table lacks. Run from
 * the source tree's top (make unit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "causes.h"
#include "explain.h"
#include "verdict.h"

#define MAX_ROWS 32

struct readme_row {
	char cause[64], label[32], happened[1024], client_sees[512];
};

/* "`x`" -> "x"; anything else is copied as it is. */
static void cell(char *dst, size_t len, const char *start, size_t n)
{
	if (n >= 2 && start[0] == '`' && start[n - 1] == '`') {
		start++;
		n -= 2;
	}
	snprintf(dst, len, "%.*s", (int)n, start);
}

/* "| `c` | `L` | happened | sees |" -> its four cells; false for any other line. */
static bool parse_row(const char *line, struct readme_row *row)
{
	const char *c[4], *end = line + strlen(line) - 2;
	const char *p = line + 2;
	int i;

	if (strncmp(line, "| `", 3) || end < p || strcmp(end, " |"))
		return false;
	for (i = 0; i < 4; i++) {
		c[i] = p;
		p = i < 3 ? strstr(p, " | ") : end;
		if (!p)
			return false;
		if (i < 3)
			p += 3;
	}
	cell(row->cause, sizeof(row->cause), c[0], (size_t)(c[1] - 3 - c[0]));
	cell(row->label, sizeof(row->label), c[1], (size_t)(c[2] - 3 - c[1]));
	cell(row->happened, sizeof(row->happened), c[2], (size_t)(c[3] - 3 - c[2]));
	cell(row->client_sees, sizeof(row->client_sees), c[3], (size_t)(end - c[3]));
	return true;
}

/* The rows between "## Causes" and the next heading. */
static size_t read_readme(struct readme_row *rows)
{
	FILE *f = fopen("README.md", "r");
	char line[4096];
	bool in = false;
	size_t n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && n < MAX_ROWS) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "## ", 3)) {
			if (in)
				break;
			in = !strcmp(line, "## Causes");
			continue;
		}
		if (in && parse_row(line, &rows[n]))
			n++;
	}
	fclose(f);
	return n;
}

static const struct readme_row *row_of(const struct readme_row *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].cause, name))
			return &rows[i];
	return NULL;
}

static void readme_matches_table(void **state)
{
	static struct readme_row rows[MAX_ROWS];
	size_t n = read_readme(rows), i;

	(void)state;
	assert_int_equal(n, WR_CAUSE_LAST + 1);
	for (i = 0; i <= WR_CAUSE_LAST; i++) {
		const struct wr_cause_info *c = wr_cause_info((enum wr_cause)i);
		const struct readme_row *r = row_of(rows, n, c->name);
		size_t len = strlen(c->happened);

		if (!r)
			fail_msg("README.md's Causes table has no row for %s", c->name);
		assert_int_equal(c->cause, i);
		assert_string_equal(r->label, c->label);
		assert_string_equal(r->client_sees, c->client_sees);
		if (strncmp(r->happened, c->happened, len) ||
		    (r->happened[len] && !strchr(".;:", r->happened[len])))
			fail_msg("README.md says %s is \"%s\", causes.c \"%s\"", c->name,
				 r->happened, c->happened);
	}
}

static void names_and_labels(void **state)
{
	(void)state;
	assert_string_equal(wr_cause_name(WR_CAUSE_NO_LISTENER), "no_listener");
	assert_string_equal(wr_cause_label(WR_CAUSE_HANDSHAKE_INCOMPLETE), "UNACKED");
	/* Out of range: other_drop's row, never a NULL. */
	assert_string_equal(wr_cause_name((enum wr_cause)200), "other_drop");
}

/* Every cause's words begin with the event's sentence; the table ends each list. */
static void words_start_with_the_sentence(void **state)
{
	(void)state;
	for (int c = 0; c <= WR_CAUSE_LAST; c++)
		assert_ptr_equal(wr_cause_info((enum wr_cause)c)->words[0], wr_explain_words);
}

/*
 * The order is the table's: a no_listener's first hint (hints.c's words)
 * closes the sentence, and a unit's advice still goes before it.
 */
static void verdict_orders_the_words(void **state)
{
	struct wr_refusal r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.kind = WR_EV_RESET;
	r.reason = "NO_SOCKET";
	r.family = AF_INET;
	strcpy(r.daddr, "192.0.2.1");
	r.dport = 22;
	r.listeners_looked = true;
	strcpy(r.hints[0], "sshd (pid 812) on 0.0.0.0:2222 -- wrong port?");
	r.n_hints = 1;
	r.has_unit = true;
	strcpy(r.unit_advice.text, "ssh.service should listen here");
	wr_verdict(&r);
	assert_int_equal(r.cause, WR_CAUSE_NO_LISTENER);
	assert_string_equal(r.explanation, "no socket listens on 192.0.2.1:22; the kernel answered "
			    "with RST, the client sees Connection refused; sshd (pid 812) on "
			    "0.0.0.0:2222 -- wrong port?");
	assert_int_equal(r.n_hints, 2);
	assert_string_equal(r.hints[0], "ssh.service should listen here");
	assert_string_equal(r.hints[1], "sshd (pid 812) on 0.0.0.0:2222 -- wrong port?");
	assert_string_equal(r.client_sees, "Connection refused");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(readme_matches_table),
		cmocka_unit_test(names_and_labels),
		cmocka_unit_test(words_start_with_the_sentence),
		cmocka_unit_test(verdict_orders_the_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
