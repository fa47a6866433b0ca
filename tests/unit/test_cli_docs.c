// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The option table (cli.c's wr_cli_options) is what --help prints and what
 * the man page's OPTIONS describe: every option in both, in the table's
 * order, with its short name and its value's name, and nothing else.
 * Run from the top of the tree (make unit); WR_MAN_PAGE names another page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

#define MAX_HEADS 64

/* One option as a document names it: "--port", "-p", "PORTS". */
struct head {
	char name[32], short_name, arg[32];
};

/* "  -p, --port PORTS ..." or "      --btf FILE ...": the option it starts, if any. */
static int help_head(const char *line, struct head *h)
{
	memset(h, 0, sizeof(*h));
	if (sscanf(line, "  -%c, --%31[a-z-] %31[]A-Z:[/]", &h->short_name, h->name, h->arg) >= 2)
		return 0;
	h->short_name = 0;
	return sscanf(line, "      --%31[a-z-] %31[]A-Z:[/]", h->name, h->arg) >= 1 ? 0 : -1;
}

static size_t read_help(struct head *heads)
{
	char *text = NULL, *line, *save;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	wr_print_usage(f);
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (n < MAX_HEADS && !help_head(line, &heads[n]))
			n++;
	free(text);
	return n;
}

/* A .TP tag of OPTIONS: ".BR \-p ", " \-\-port " \fIPORTS\fR"", without roff. */
static void man_head(const char *tag, struct head *h)
{
	char plain[256], *tok, *save;
	size_t n = 0;

	memset(h, 0, sizeof(*h));
	for (const char *s = strchr(tag, ' '); s && *s && n + 1 < sizeof(plain); s++) {
		if (s[0] == '\\' && s[1] == '-') {
			plain[n++] = '-';
			s++;
		} else if (s[0] == '\\' && s[1] == 'f' && s[2]) {
			s += 2;
		} else if (*s == '"' || *s == ',') {
			plain[n++] = ' ';
		} else {
			plain[n++] = *s;
		}
	}
	plain[n] = '\0';
	for (tok = strtok_r(plain, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (!strncmp(tok, "--", 2))
			snprintf(h->name, sizeof(h->name), "%s", tok + 2);
		else if (tok[0] == '-' && tok[1] && !tok[2])
			h->short_name = tok[1];
		else
			snprintf(h->arg, sizeof(h->arg), "%s", tok);
	}
}

static size_t read_man(struct head *heads)
{
	const char *path = getenv("WR_MAN_PAGE") ? getenv("WR_MAN_PAGE") : "tools/man/whyrefused.8";
	FILE *f = fopen(path, "r");
	char line[512];
	bool in_options = false, tag_next = false;
	size_t n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, ".SH ", 4)) {
			in_options = !strcmp(line, ".SH OPTIONS");
			continue;
		}
		if (in_options && tag_next && n < MAX_HEADS)
			man_head(line, &heads[n++]);
		tag_next = in_options && !strcmp(line, ".TP");
	}
	fclose(f);
	return n;
}

/* heads[] is the table, in its order: names, short names, values. */
static void assert_table(const struct head *heads, size_t n, const char *doc)
{
	for (size_t i = 0; i < n && i < wr_cli_n_options; i++) {
		const struct wr_cli_option *opt = &wr_cli_options[i];

		if (strcmp(heads[i].name, opt->name))
			fail_msg("%s: option %zu is --%s, the table's is --%s", doc, i + 1,
				 heads[i].name, opt->name);
		if (heads[i].short_name != opt->short_name)
			fail_msg("%s: --%s's short name '%c', the table's '%c'", doc, opt->name,
				 heads[i].short_name ? heads[i].short_name : ' ',
				 opt->short_name ? opt->short_name : ' ');
		if (strcmp(heads[i].arg, opt->arg ? opt->arg : ""))
			fail_msg("%s: --%s takes '%s', the table says '%s'", doc, opt->name,
				 heads[i].arg, opt->arg ? opt->arg : "");
	}
	if (n != wr_cli_n_options)
		fail_msg("%s lists %zu options, the table %zu", doc, n, wr_cli_n_options);
}

static void test_help_lists_the_table(void **state)
{
	struct head heads[MAX_HEADS];

	assert_table(heads, read_help(heads), "--help");
}

static void test_man_page_lists_the_table(void **state)
{
	struct head heads[MAX_HEADS];

	assert_table(heads, read_man(heads), "whyrefused(8) OPTIONS");
}

/* Every option is reached by its long name, and by its short one. */
static void test_table_options_parse(void **state)
{
	static struct wr_options o;
	char err[256], long_name[40], short_name[3], *argv[4];
	FILE *devnull = fopen("/dev/null", "w");

	for (size_t i = 0; i < wr_cli_n_options; i++) {
		const struct wr_cli_option *opt = &wr_cli_options[i];
		int argc = 2;

		err[0] = '\0';

		snprintf(long_name, sizeof(long_name), "--%s", opt->name);
		argv[0] = "whyrefused";
		argv[1] = long_name;
		if (opt->arg)	/* a value no option takes: the option itself is known */
			argv[argc++] = "@";
		argv[argc] = NULL;
		wr_parse_args(argc, argv, &o, devnull, err, sizeof(err));
		if (strstr(err, "unknown option"))
			fail_msg("--%s: %s", opt->name, err);
		if (!opt->short_name)
			continue;
		snprintf(short_name, sizeof(short_name), "-%c", opt->short_name);
		argv[1] = short_name;
		err[0] = '\0';
		wr_parse_args(argc, argv, &o, devnull, err, sizeof(err));
		if (strstr(err, "unknown option"))
			fail_msg("-%c: %s", opt->short_name, err);
	}
	fclose(devnull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_lists_the_table),
		cmocka_unit_test(test_man_page_lists_the_table),
		cmocka_unit_test(test_table_options_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
