// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The enrichers' runner (pipeline.c) over a table of fakes: a refusal
 * passes every enricher in order, the first lane that takes it holds it
 * (no report), timers run when due, stop counts before it stops, close
 * frees every state, also after an open failed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tracer.h"

static char calls[256];	/* what happened, in order: "Ea Eb Db R ..." */

static void note(const char *what)
{
	strncat(calls, what, sizeof(calls) - strlen(calls) - 1);
}

/* No namespaces here: the runner asks for the refusal's, once. */
const struct wr_netns *wr_netns_lookup(struct wr_netns_list *l, uint32_t inode)
{
	note("N ");
	return NULL;
}

static int open_a(struct tracer *t, void **state, char *err, size_t errlen)
{
	static int a_state;

	*state = &a_state;
	note("Oa ");
	return 0;
}

static int open_fails(struct tracer *t, void **state, char *err, size_t errlen)
{
	snprintf(err, errlen, "no room");
	return -1;
}

static void enrich_a(struct tracer *t, void *state, struct wr_refusal *r)
{
	assert_non_null(state);
	note("Ea ");
	r->dport++;
}

static void enrich_b(struct tracer *t, void *state, struct wr_refusal *r)
{
	note("Eb ");
}

/* A lane for port 23 (after enrich_a's increment: a SYN to 22). */
static bool defer_b(struct tracer *t, void *state, struct wr_refusal *r, const struct wr_netns *ns)
{
	note("Db ");
	return r->dport == 23;
}

static bool defer_c(struct tracer *t, void *state, struct wr_refusal *r, const struct wr_netns *ns)
{
	note("Dc ");
	return false;
}

static void tick_a(struct tracer *t, void *state, struct wr_timer *tm, uint64_t now)
{
	note("Ta ");
}

static void tick_b(struct tracer *t, void *state, struct wr_timer *tm, uint64_t now)
{
	note("Tb ");
}

static void start_b(struct tracer *t, void *state, struct wr_timer *tm)
{
	note("Sb ");
	tm->due_ms = UINT64_MAX;	/* never, as a job whose option is not set */
}

static void stats_a(struct tracer *t, void *state, struct wr_stats *s)
{
	note("Ca ");
	s->resyncs++;
}

static void stop_c(struct tracer *t, void *state)
{
	note("Pc ");
}

static void close_a(struct tracer *t, void *state)
{
	note(state ? "Xa " : "Xa0 ");
}

static void close_c(struct tracer *t, void *state)
{
	note(state ? "Xc " : "Xc0 ");
}

static void report(void *arg, struct wr_refusal *r)
{
	note("R ");
}

static const struct wr_enricher fake_a = {
	.name = "a", .open = open_a, .enrich = enrich_a, .tick = tick_a, .every_ms = 1000,
	.stats = stats_a, .close = close_a,
};
static const struct wr_enricher fake_b = {
	.name = "b", .start = start_b, .enrich = enrich_b, .defer = defer_b, .tick = tick_b,
};
static const struct wr_enricher fake_c = {
	.name = "c", .defer = defer_c, .stop = stop_c, .close = close_c,
};
static const struct wr_enricher fake_fails = { .name = "fails", .open = open_fails };

static struct tracer t;

static void run_table(const struct wr_enricher *const *table, size_t n)
{
	char err[64] = "";

	memset(&t, 0, sizeof(t));
	calls[0] = '\0';
	t.report = report;
	assert_int_equal(wr_pipeline_open(&t, table, n, err, sizeof(err)), 0);
}

static void test_refusal_passes_in_order(void **state)
{
	static const struct wr_enricher *const table[] = { &fake_a, &fake_b, &fake_c };
	struct wr_refusal r = { .dport = 80 };

	run_table(table, 3);
	wr_pipeline_refusal(&t, &r);
	assert_string_equal(calls, "Oa Ea Eb N Db Dc R ");
	assert_int_equal(r.dport, 81);
	calls[0] = '\0';
	r.dport = 22;	/* b's lane takes it: c is not asked, nothing is reported yet */
	wr_pipeline_refusal(&t, &r);
	assert_string_equal(calls, "Ea Eb N Db ");
	wr_pipeline_close(&t);
}

static void test_timers(void **state)
{
	static const struct wr_enricher *const table[] = { &fake_a, &fake_b, &fake_c };

	run_table(table, 3);
	wr_pipeline_start(&t, 5000);
	assert_string_equal(calls, "Oa Sb ");
	calls[0] = '\0';
	wr_pipeline_tick(&t, 5100);	/* a every second from start; b never */
	wr_pipeline_tick(&t, 6000);
	wr_pipeline_tick(&t, 6100);
	wr_pipeline_tick(&t, 9500);	/* after a stall: once */
	assert_string_equal(calls, "Ta Ta ");
	wr_pipeline_close(&t);
}

static void test_stop_counts_then_stops(void **state)
{
	static const struct wr_enricher *const table[] = { &fake_a, &fake_b, &fake_c };

	run_table(table, 3);
	calls[0] = '\0';
	wr_pipeline_stop(&t);
	assert_int_equal(t.stats.resyncs, 1);
	wr_pipeline_close(&t);
	assert_string_equal(calls, "Ca Pc Xa Xc0 ");
	assert_null(t.pipe.state);
}

static void test_open_failure_closes_all(void **state)
{
	static const struct wr_enricher *const table[] = { &fake_a, &fake_fails, &fake_c };
	char err[64] = "";

	memset(&t, 0, sizeof(t));
	calls[0] = '\0';
	assert_int_equal(wr_pipeline_open(&t, table, 3, err, sizeof(err)), -1);
	assert_string_equal(err, "no room");
	wr_pipeline_close(&t);	/* c never opened: closed with no state */
	assert_string_equal(calls, "Oa Xa Xc0 ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusal_passes_in_order),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_stop_counts_then_stops),
		cmocka_unit_test(test_open_failure_closes_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
