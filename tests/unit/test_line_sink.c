// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The bounded output buffer: a reader that stops never blocks the tracer. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "line_sink.h"

#define RECORD "{\"event\":\"refusal\",\"padding\":\"................................................\"}"

/*
 * A file system with `fake_room` bytes left for `fake_fd` (-1: room enough):
 * a write past it is cut short, the next fails with `fake_errno`, as a
 * write(2) on a disk that fills does. This write() stands in for libc's in
 * the whole test binary; other fds go to the kernel unchanged.
 */
static int fake_fd = -1;
static long fake_room = -1;
static int fake_errno = ENOSPC;
static unsigned fake_calls;

ssize_t write(int fd, const void *buf, size_t n)
{
	if (fd == fake_fd) {
		fake_calls++;
		if (fake_room == 0) {
			errno = fake_errno;
			return -1;
		}
		if (fake_room > 0 && n > (size_t)fake_room)
			n = (size_t)fake_room;
		if (fake_room > 0)
			fake_room -= (long)n;
	}
	return syscall(SYS_write, fd, buf, n);
}

static int fake_disk(long room, int err)
{
	fake_fd = memfd_create("sink", 0);
	assert_true(fake_fd >= 0);
	fake_room = room;
	fake_errno = err;
	fake_calls = 0;
	return fake_fd;
}

/* Record i: {"n":i,"pad":"...."}, about 100 bytes. */
static const char *record(int i)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "{\"n\":%d,\"pad\":\"%.80s\"}", i,
		 "................................................................................");
	return buf;
}

/* The file's lines, the last one possibly without its newline. */
static size_t file_lines(int fd, char lines[][128], size_t max)
{
	static char text[65536];
	ssize_t len = pread(fd, text, sizeof(text) - 1, 0);
	size_t n = 0;
	char *p = text, *nl;

	assert_true(len >= 0);
	text[len] = '\0';
	while (*p && n < max) {
		nl = strchr(p, '\n');
		snprintf(lines[n++], 128, "%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}

/* As the output does: queue a record, then write what the fd takes. */
static void put(struct wr_sink *s, int i)
{
	wr_sink_put(s, record(i));
	wr_sink_flush(s);
}

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
	assert_int_equal(s.gone_errno, EPIPE);
	assert_true(s.write_errors >= 1);
	assert_int_equal(s.written + s.dropped + wr_sink_pending(&s), 2);
	wr_sink_drain(&s, 10);
	assert_int_equal(wr_sink_pending(&s), 0);
	assert_int_equal(s.dropped, 2);
	wr_sink_free(&s);
	close(p[1]);
}

/* stdout closed under us: the output is gone as surely as with EPIPE. */
static void test_closed_fd_is_a_reader_gone(void **state)
{
	struct wr_sink s;
	int p[2];

	assert_int_equal(pipe(p), 0);
	close(p[0]);
	close(p[1]);
	assert_int_equal(wr_sink_init(&s, p[1], 4096), 0);
	put(&s, 0);
	assert_true(s.reader_gone);
	assert_int_equal(s.gone_errno, EBADF);
	assert_int_equal(s.dropped, 1);
	wr_sink_free(&s);
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

/*
 * The disk fills in the middle of a record, then space is freed: the record
 * cut short is completed, nothing is glued to half a line, nothing is lost.
 */
static void test_full_disk_completes_the_cut_record(void **state)
{
	char lines[16][128];
	struct wr_sink s;
	int fd = fake_disk(250, ENOSPC);	/* two records and half of the third */
	size_t n;

	assert_int_equal(wr_sink_init(&s, fd, 4096), 0);
	for (int i = 0; i < 5; i++)
		put(&s, i);
	assert_int_equal(s.written, 2);
	wr_sink_flush(&s);

	fake_room = -1;				/* logrotate freed some space */
	for (int i = 5; i < 8; i++)
		put(&s, i);
	wr_sink_flush(&s);
	n = file_lines(fd, lines, 16);
	assert_int_equal(n, 8);
	for (int i = 0; i < 8; i++)
		assert_string_equal(lines[i], record(i));
	assert_int_equal(s.written, 8);
	assert_int_equal(s.dropped, 0);
	assert_int_equal(s.write_errors, 1);	/* one full disk, however many tries */
	wr_sink_free(&s);
	close(fd);
	fake_fd = -1;
}

/* While the disk is full, records queue; once the buffer is full, whole ones drop. */
static void test_full_disk_drops_whole_records_when_the_buffer_is_full(void **state)
{
	char lines[64][128];
	struct wr_sink s;
	int fd = fake_disk(150, ENOSPC);
	size_t n;

	assert_int_equal(wr_sink_init(&s, fd, 512), 0);
	for (int i = 0; i < 20; i++)
		put(&s, i);
	assert_true(s.dropped > 0);
	assert_int_equal(s.written + s.dropped + wr_sink_pending(&s), 20);

	fake_room = -1;
	wr_sink_flush(&s);
	assert_int_equal(wr_sink_pending(&s), 0);
	n = file_lines(fd, lines, 64);
	assert_int_equal(n, s.written);
	for (size_t i = 0; i < n; i++) {
		int k;

		assert_int_equal(sscanf(lines[i], "{\"n\":%d,", &k), 1);
		assert_string_equal(lines[i], record(k));
	}
	assert_int_equal(s.written + s.dropped, 20);
	wr_sink_free(&s);
	close(fd);
	fake_fd = -1;
}

/*
 * A write that fails for good (EIO) after half a record: the rest is dropped,
 * and if writing ever resumes, a newline first ends the damaged line so that
 * the next record starts a line of its own.
 */
static void test_failed_fd_leaves_the_damaged_line_alone(void **state)
{
	char lines[16][128];
	struct wr_sink s;
	int fd = fake_disk(250, EIO);
	size_t n;

	assert_int_equal(wr_sink_init(&s, fd, 4096), 0);
	for (int i = 0; i < 5; i++)
		put(&s, i);
	assert_int_equal(s.written, 2);
	assert_int_equal(s.dropped, 3);
	fake_room = -1;
	for (int i = 5; i < 8; i++)
		put(&s, i);
	wr_sink_flush(&s);
	n = file_lines(fd, lines, 16);
	assert_int_equal(n, 6);
	assert_string_equal(lines[0], record(0));
	assert_string_equal(lines[1], record(1));
	/* The damaged form: a proper prefix of the record, alone on its line. */
	assert_int_equal(strlen(lines[2]), 250 - 2 * (strlen(record(0)) + 1));
	assert_memory_equal(lines[2], record(2), strlen(lines[2]));
	for (int i = 5; i < 8; i++)
		assert_string_equal(lines[i - 2], record(i));
	assert_int_equal(s.written, 5);
	assert_int_equal(s.dropped, 3);
	wr_sink_free(&s);
	close(fd);
	fake_fd = -1;
}

/*
 * The file is rotated (SIGHUP) while a record is cut short on a full disk:
 * the new file starts with a whole record, not with the rest of that one.
 */
static void test_rotation_mid_record_starts_the_new_file_clean(void **state)
{
	char lines[16][128];
	struct wr_sink s;
	int old = fake_disk(250, ENOSPC), fresh = memfd_create("rotated", 0);
	size_t n;

	assert_true(fresh >= 0);
	assert_int_equal(wr_sink_init(&s, old, 4096), 0);
	for (int i = 0; i < 5; i++)
		put(&s, i);
	s.fd = fresh;				/* what main.c's reopen does */
	put(&s, 5);
	n = file_lines(fresh, lines, 16);
	assert_int_equal(n, 3);
	for (int i = 3; i < 6; i++)
		assert_string_equal(lines[i - 3], record(i));
	n = file_lines(old, lines, 16);		/* two whole, the cut one's head */
	assert_int_equal(n, 3);
	assert_memory_equal(lines[2], record(2), strlen(lines[2]));
	assert_int_equal(s.written, 5);
	assert_int_equal(s.dropped, 1);
	wr_sink_free(&s);
	close(old);
	close(fresh);
	fake_fd = -1;
}

/* At exit on a full disk: tries now and then until the timeout, no busy loop. */
static void test_drain_on_a_full_disk_does_not_spin(void **state)
{
	struct wr_sink s;
	int fd = fake_disk(0, ENOSPC);

	assert_int_equal(wr_sink_init(&s, fd, 4096), 0);
	put(&s, 0);
	wr_sink_drain(&s, 300);
	assert_true(fake_calls < 20);
	assert_int_equal(wr_sink_pending(&s), 0);
	assert_int_equal(s.dropped, 1);
	wr_sink_free(&s);
	close(fd);
	fake_fd = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stalled_reader_drops_whole_records_and_counts_them),
		cmocka_unit_test(test_pending_records_go_out_when_the_reader_reads),
		cmocka_unit_test(test_closed_reader_is_noticed_and_counted),
		cmocka_unit_test(test_closed_fd_is_a_reader_gone),
		cmocka_unit_test(test_a_record_larger_than_the_buffer_is_dropped),
		cmocka_unit_test(test_full_disk_completes_the_cut_record),
		cmocka_unit_test(test_full_disk_drops_whole_records_when_the_buffer_is_full),
		cmocka_unit_test(test_failed_fd_leaves_the_damaged_line_alone),
		cmocka_unit_test(test_rotation_mid_record_starts_the_new_file_clean),
		cmocka_unit_test(test_drain_on_a_full_disk_does_not_spin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
