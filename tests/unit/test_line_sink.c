// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The bounded output buffer: a reader that stops never blocks the tracer. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "line_sink.h"

#define RECORD "{\"event\":\"refusal\",\"padding\":\"................................................\"}"

static uint64_t drain_pipe(int fd)
{
	char buf[65536];
	uint64_t lines = 0;
	ssize_t n, i;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	return lines;
}

static void test_stalled_reader_drops_whole_records_and_counts_them(void **state)
{
	struct wr_sink s;
	int p[2];
	uint64_t read_back;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(wr_sink_init(&s, p[1], 16384), 0);
	/* Nobody reads: the pipe (64 KiB) and the buffer fill, then records drop. */
	for (int i = 0; i < 5000; i++)
		wr_sink_put(&s, RECORD);
	assert_true(s.dropped > 0);
	assert_true(s.written > 0);
	assert_int_equal(s.written + s.dropped + wr_sink_pending(&s), 5000);
	assert_int_equal(s.write_errors, 0);

	/* The reader comes back: what was pending arrives, complete lines only. */
	close(p[1]);
	wr_sink_free(&s);
	read_back = drain_pipe(p[0]);
	assert_int_equal(read_back, s.written);
	close(p[0]);
}

static void test_pending_records_go_out_when_the_reader_reads(void **state)
{
	struct wr_sink s;
	int p[2];
	uint64_t got;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(wr_sink_init(&s, p[1], 1 << 20), 0);
	for (int i = 0; i < 2000; i++)		/* ~180 KiB: more than the pipe holds */
		wr_sink_put(&s, RECORD);
	wr_sink_flush(&s);
	assert_int_equal(s.dropped, 0);
	assert_true(s.written > 0);
	assert_true(wr_sink_pending(&s) > 0);
	got = 0;
	while (wr_sink_pending(&s)) {
		char buf[65536];
		ssize_t n = read(p[0], buf, sizeof(buf));

		assert_true(n > 0);
		for (ssize_t i = 0; i < n; i++)
			got += buf[i] == '\n';
		wr_sink_flush(&s);
	}
	close(p[1]);
	got += drain_pipe(p[0]);
	assert_int_equal(got, 2000);
	assert_int_equal(s.written, 2000);
	wr_sink_free(&s);
	close(p[0]);
}

static void test_closed_reader_is_noticed_and_counted(void **state)
{
	struct wr_sink s;
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	assert_int_equal(wr_sink_init(&s, p[1], 4096), 0);
	wr_sink_put(&s, RECORD);
	wr_sink_put(&s, RECORD);
	wr_sink_flush(&s);
	assert_true(s.reader_gone);
	assert_true(s.write_errors >= 1);
	assert_int_equal(s.written + s.dropped + wr_sink_pending(&s), 2);
	wr_sink_drain(&s, 10);
	assert_int_equal(wr_sink_pending(&s), 0);
	assert_int_equal(s.dropped, 2);
	wr_sink_free(&s);
	close(p[1]);
}

static void test_a_record_larger_than_the_buffer_is_dropped(void **state)
{
	struct wr_sink s;
	char big[200];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(wr_sink_init(&s, -1, 100), 0);
	wr_sink_put(&s, big);
	assert_int_equal(s.dropped, 1);
	assert_int_equal(s.len, 0);
	wr_sink_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stalled_reader_drops_whole_records_and_counts_them),
		cmocka_unit_test(test_pending_records_go_out_when_the_reader_reads),
		cmocka_unit_test(test_closed_reader_is_noticed_and_counted),
		cmocka_unit_test(test_a_record_larger_than_the_buffer_is_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
