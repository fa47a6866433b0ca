// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Prometheus exposition: series by cause and port, their bound, every counter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"
#include "whyrefused.h"

static char *render(const struct wr_metrics *m, const struct wr_stats *s,
		    const struct wr_output_counts *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	wr_metrics_render(f, m, s, c);
	fclose(f);
	return buf;
}

/* Every sample line is `name{labels} value` or `name value`; every family has HELP and TYPE. */
static void assert_well_formed(const char *text)
{
	char *copy = strdup(text), *line, *save = NULL;
	char family[128] = "";

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128];

		if (!strncmp(line, "# HELP ", 7)) {
			sscanf(line + 7, "%127s", family);
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			assert_int_equal(sscanf(line + 7, "%127s", name), 1);
			assert_string_equal(name, family);
			continue;
		}
		assert_int_equal(sscanf(line, "%127[a-z_]", name), 1);
		assert_string_equal(name, family);	/* samples follow their family */
		assert_non_null(strrchr(line, ' '));
	}
	free(copy);
}

static void test_counts_by_cause_and_port(void **state)
{
	struct timespec t0 = { .tv_sec = 1764000000, .tv_nsec = 250000000 };
	struct wr_output_counts c = { .written = 7, .write_errors = 1, .dropped = 2, .pending = 3 };
	struct wr_stats s = { 0 };
	struct wr_metrics m;
	char *text;

	wr_metrics_init(&m, &t0);
	wr_metrics_count(&m, WR_CAUSE_FIREWALL_DROP, 8080, 2);
	wr_metrics_count(&m, WR_CAUSE_NO_LISTENER, 22, 0);
	wr_metrics_count(&m, WR_CAUSE_NO_LISTENER, 22, 1);
	wr_metrics_count(&m, WR_CAUSE_NO_LISTENER, 5, 0);
	s.kernel[WR_CNT_SEEN] = 11;
	s.kernel[WR_CNT_RINGBUF_FULL] = 4;
	s.kernel[WR_CNT_RL_FIREWALL] = 6;
	s.received = 9;
	text = render(&m, &s, &c);
	assert_well_formed(text);
	/* Sorted by cause, then port; retries apart from attempts. */
	assert_non_null(strstr(text,
		"whyrefused_refusals_total{cause=\"no_listener\",port=\"5\"} 1\n"
		"whyrefused_refusals_total{cause=\"no_listener\",port=\"22\"} 2\n"
		"whyrefused_refusals_total{cause=\"firewall_drop\",port=\"8080\"} 1\n"));
	assert_non_null(strstr(text,
		"whyrefused_refusal_retries_total{cause=\"no_listener\",port=\"22\"} 1\n"));
	assert_non_null(strstr(text,
		"whyrefused_refusal_retries_total{cause=\"firewall_drop\",port=\"8080\"} 2\n"));
	assert_non_null(strstr(text, "\nwhyrefused_syns_seen_total 11\n"));
	assert_non_null(strstr(text, "\nwhyrefused_events_lost_total{reason=\"ringbuf_full\"} 4\n"));
	assert_non_null(strstr(text,
		"\nwhyrefused_events_rate_limited_total{cause=\"firewall\"} 6\n"));
	assert_non_null(strstr(text, "\nwhyrefused_events_received_total 9\n"));
	assert_non_null(strstr(text, "\nwhyrefused_records_written_total 7\n"));
	assert_non_null(strstr(text, "\nwhyrefused_record_write_errors_total 1\n"));
	assert_non_null(strstr(text, "\nwhyrefused_records_dropped_total 2\n"));
	assert_non_null(strstr(text, "\nwhyrefused_records_pending 3\n"));
	assert_non_null(strstr(text, "\nwhyrefused_start_time_seconds 1764000000.250\n"));
	assert_null(strstr(text, "port=\"other\""));
	free(text);
	wr_metrics_free(&m);
}

/* A port scan: series stop growing at the bound, the rest is port="other", none lost. */
/* handshake_incomplete: its own cause label, the SYN-ACKs resent, its rate limit. */
static void test_handshake_incomplete(void **state)
{
	struct timespec t0 = { .tv_sec = 1764000000 };
	struct wr_output_counts c = { 0 };
	struct wr_stats s = { 0 };
	struct wr_metrics m;
	char *text;

	s.kernel[WR_CNT_SYNACK_RTX] = 9;
	s.kernel[WR_CNT_RL_HANDSHAKE] = 4;
	wr_metrics_init(&m, &t0);
	wr_metrics_count(&m, WR_CAUSE_HANDSHAKE_INCOMPLETE, 8080, 0);
	text = render(&m, &s, &c);
	assert_well_formed(text);
	assert_non_null(strstr(text, "whyrefused_refusals_total{cause=\"handshake_incomplete\","
				"port=\"8080\"} 1\n"));
	assert_non_null(strstr(text, "\nwhyrefused_synack_retransmits_total 9\n"));
	assert_non_null(strstr(text, "whyrefused_events_rate_limited_total{cause=\"handshake\"} 4\n"));
	free(text);
	wr_metrics_free(&m);
}

static void test_series_are_bounded(void **state)
{
	struct timespec t0 = { 0 };
	struct wr_output_counts c = { 0 };
	struct wr_stats s = { 0 };
	struct wr_metrics m;
	uint64_t sum = 0;
	char *text, *p, *save = NULL;
	unsigned port;

	wr_metrics_init(&m, &t0);
	m.max_series = 4;
	for (port = 1000; port < 1010; port++)
		wr_metrics_count(&m, WR_CAUSE_NO_LISTENER, (uint16_t)port, 0);
	wr_metrics_count(&m, WR_CAUSE_NO_LISTENER, 1000, 0);	/* known: still its own */
	wr_metrics_count(&m, WR_CAUSE_OTHER_DROP, 1, 3);
	assert_int_equal(m.n, 4);
	text = render(&m, &s, &c);
	assert_well_formed(text);
	assert_non_null(strstr(text, "whyrefused_refusals_total{cause=\"no_listener\",port=\"1000\"} 2\n"));
	assert_non_null(strstr(text, "whyrefused_refusals_total{cause=\"no_listener\",port=\"other\"} 6\n"));
	assert_non_null(strstr(text, "whyrefused_refusals_total{cause=\"other_drop\",port=\"other\"} 1\n"));
	assert_non_null(strstr(text,
		"whyrefused_refusal_retries_total{cause=\"other_drop\",port=\"other\"} 3\n"));
	for (p = strtok_r(text, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
		if (!strncmp(p, "whyrefused_refusals_total{", 26))
			sum += strtoull(strrchr(p, ' ') + 1, NULL, 10);
	assert_int_equal(sum, 12);	/* every refusal counted once */
	free(text);
	wr_metrics_free(&m);
}

/* Firewall blocks of a port with a listener: only the series that had one, and "other". */
static void test_blocked_listening(void **state)
{
	struct timespec t0 = { 0 };
	struct wr_output_counts c = { 0 };
	struct wr_stats s = { 0 };
	struct wr_metrics m;
	char *text;

	wr_metrics_init(&m, &t0);
	m.max_series = 2;
	wr_metrics_count(&m, WR_CAUSE_FIREWALL_DROP, 443, 0);
	wr_metrics_count_blocked_listening(&m, WR_CAUSE_FIREWALL_DROP, 443);
	wr_metrics_count(&m, WR_CAUSE_FIREWALL_DROP, 444, 0);	/* nothing listened */
	wr_metrics_count(&m, WR_CAUSE_FIREWALL_REJECT, 22, 0);	/* past the bound */
	wr_metrics_count_blocked_listening(&m, WR_CAUSE_FIREWALL_REJECT, 22);
	wr_metrics_count(&m, WR_CAUSE_FIREWALL_DROP, 443, 0);
	wr_metrics_count_blocked_listening(&m, WR_CAUSE_FIREWALL_DROP, 443);
	text = render(&m, &s, &c);
	assert_well_formed(text);
	assert_non_null(strstr(text, "# TYPE whyrefused_firewall_blocked_listening_total counter\n"
		"whyrefused_firewall_blocked_listening_total{cause=\"firewall_drop\",port=\"443\"} 2\n"
		"whyrefused_firewall_blocked_listening_total{cause=\"firewall_reject\",port=\"other\"} 1\n"));
	assert_null(strstr(text, "whyrefused_firewall_blocked_listening_total{cause=\"firewall_drop\",port=\"444\"}"));
	assert_non_null(strstr(text, "whyrefused_refusals_total{cause=\"firewall_drop\",port=\"443\"} 2\n"));
	free(text);
	wr_metrics_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_by_cause_and_port),
		cmocka_unit_test(test_handshake_incomplete),
		cmocka_unit_test(test_series_are_bounded),
		cmocka_unit_test(test_blocked_listening),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
