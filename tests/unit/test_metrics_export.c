// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The metrics endpoint: what a request head asks for (pure), and the
 * server's client slots over loopback sockets: answers, deadlines for slow
 * senders and for clients that never read, eviction, steps that never
 * block. And the textfile, never written through a symlink.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "metrics_export.h"
#include "metrics_request.h"

static enum wr_request parse(const char *s)
{
	return wr_request_parse(s, strlen(s));
}

static void test_request_metrics(void **state)
{
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"),
			 WR_REQ_METRICS);
	assert_int_equal(parse("GET /metrics HTTP/1.0\n\n"), WR_REQ_METRICS);
	assert_int_equal(parse("GET /metrics HTTP/1.0\r\n\r\n"), WR_REQ_METRICS);
	assert_int_equal(parse("GET /metrics HTTP/1.1\nHost: x\n\r\n"), WR_REQ_METRICS);
	assert_int_equal(parse("GET / HTTP/1.1\r\n\r\n"), WR_REQ_METRICS);
	assert_int_equal(parse("GET /metrics?name[]=up HTTP/1.1\r\n\r\n"), WR_REQ_METRICS);
	assert_int_equal(parse("GET /?x HTTP/1.1\r\n\r\n"), WR_REQ_METRICS);
	/* Bytes after the head (a pipelined request) do not matter. */
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\n\r\nGET /x"), WR_REQ_METRICS);
}

static void test_request_other(void **state)
{
	assert_int_equal(parse("GET /elsewhere HTTP/1.1\r\n\r\n"), WR_REQ_NOT_FOUND);
	assert_int_equal(parse("GET /metrics/ HTTP/1.1\r\n\r\n"), WR_REQ_NOT_FOUND);
	assert_int_equal(parse("GET /metricsx HTTP/1.1\r\n\r\n"), WR_REQ_NOT_FOUND);
	assert_int_equal(parse("GET /metric HTTP/1.1\r\n\r\n"), WR_REQ_NOT_FOUND);
	assert_int_equal(parse("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
			 WR_REQ_BAD_METHOD);
	assert_int_equal(parse("get /metrics HTTP/1.1\r\n\r\n"), WR_REQ_BAD_METHOD);
	assert_int_equal(parse("HEAD /metrics HTTP/1.1\r\n\r\n"), WR_REQ_BAD_METHOD);
}

static void test_request_bad(void **state)
{
	static const char *const bad[] = {
		"\r\n\r\n",
		"GET\r\n\r\n",
		"GET /metrics\r\n\r\n",			/* HTTP/0.9 */
		"GET /metrics HTTP/2.0\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",	/* h2 prior knowledge */
		"GET metrics HTTP/1.1\r\n\r\n",
		"GET http://h/metrics HTTP/1.1\r\n\r\n",
		"GET  /metrics HTTP/1.1\r\n\r\n",
		"GET /metrics  HTTP/1.1\r\n\r\n",
		"GET /metrics HTTP/1.1 \r\n\r\n",
		"GET /metrics HTTP/1.x\r\n\r\n",
		"GET /metrics HTTP/1.10\r\n\r\n",
		"GET\t/metrics HTTP/1.1\r\n\r\n",
		"G(T /metrics HTTP/1.1\r\n\r\n",
		"GET /met\x7frics HTTP/1.1\r\n\r\n",
		"GET /m\xc3\xa9trics HTTP/1.1\r\n\r\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i]) != WR_REQ_BAD)
			fail_msg("not judged bad: %zu", i);
	}
	/* NUL bytes are bytes: one in the target makes the request line bad. */
	assert_int_equal(wr_request_parse("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n", 12),
			 WR_REQ_BAD);	/* TLS, a byte 0x0a in it */
	assert_int_equal(wr_request_parse("GET /m\0trics HTTP/1.1\r\n\r\n", 25), WR_REQ_BAD);
}

/* Every proper prefix of a good request is incomplete; a bad line is bad at once. */
static void test_request_incomplete(void **state)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9100\r\n"
				  "User-Agent: Prometheus/2.45\r\n\r\n";
	size_t n;

	assert_int_equal(wr_request_parse("", 0), WR_REQ_INCOMPLETE);
	for (n = 0; n < sizeof(req) - 1; n++)
		if (wr_request_parse(req, n) != WR_REQ_INCOMPLETE)
			fail_msg("prefix of %zu bytes not incomplete", n);
	assert_int_equal(wr_request_parse(req, sizeof(req) - 1), WR_REQ_METRICS);
	/* The request line decides before the headers end. */
	assert_int_equal(parse("HELLO\r\nHost: x\r\n"), WR_REQ_BAD);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nX-Slow: aaaa"), WR_REQ_INCOMPLETE);
}

static void test_request_head_too_long(void **state)
{
	static const char line[] = "GET /metrics HTTP/1.1\r\nX: ";
	char *buf = malloc(WR_REQ_HEAD_MAX + 16);

	assert_non_null(buf);
	memset(buf, 'a', WR_REQ_HEAD_MAX + 16);
	memcpy(buf, line, sizeof(line) - 1);
	assert_int_equal(wr_request_parse(buf, WR_REQ_HEAD_MAX - 1), WR_REQ_INCOMPLETE);
	assert_int_equal(wr_request_parse(buf, WR_REQ_HEAD_MAX), WR_REQ_BAD);
	assert_int_equal(wr_request_parse(buf, WR_REQ_HEAD_MAX + 16), WR_REQ_BAD);
	/* A head ending just inside the limit is whole; just past it, too long. */
	memcpy(buf + WR_REQ_HEAD_MAX - 4, "\r\n\r\n", 4);
	assert_int_equal(wr_request_parse(buf, WR_REQ_HEAD_MAX), WR_REQ_METRICS);
	memcpy(buf + WR_REQ_HEAD_MAX - 4, "aa\r\n\r\n", 6);
	assert_int_equal(wr_request_parse(buf, WR_REQ_HEAD_MAX + 2), WR_REQ_BAD);
	/* No line at all: a request line never ends. */
	memset(buf, 'G', WR_REQ_HEAD_MAX);
	assert_int_equal(wr_request_parse(buf, WR_REQ_HEAD_MAX), WR_REQ_BAD);
	free(buf);
}

/* ---- the server, over loopback ---- */

static size_t body_bytes = 32;	/* about what render() writes */

static void render(FILE *f, void *arg)
{
	static const char pad[] = "# padding, padding, padding, padding, padding, padding\n";
	size_t n;

	(*(int *)arg)++;
	n = (size_t)fprintf(f, "# TYPE test_metric counter\ntest_metric 42\n");
	for (; n < body_bytes; n += sizeof(pad) - 1)
		fwrite(pad, 1, sizeof(pad) - 1, f);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int port_of(int fd)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	return ntohs(sin.sin_port);
}

static void start(struct wr_metrics_server *srv, unsigned int deadline_ms)
{
	struct wr_sockaddr a = { .family = AF_INET, .addr = { 127, 0, 0, 1 }, .port = 0 };
	char err[256];

	assert_int_equal(wr_metrics_listen(srv, &a, err, sizeof(err)), 0);
	srv->deadline_ms = deadline_ms;
}

static int dial(const struct wr_metrics_server *srv, int rcvbuf)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port_of(srv->fd)),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

/*
 * The tracer's loop for `ms` (one round at least): wait, then one step.
 * Returns the longest step; every one must be short, whatever the clients do.
 */
static uint64_t run_loop(struct wr_metrics_server *srv, int *renders, unsigned int ms)
{
	uint64_t end = mono_ms() + ms, t0, longest = 0;

	do {
		wr_metrics_wait(srv, -1, 20);
		t0 = mono_ms();
		wr_metrics_serve(srv, render, renders);
		if (mono_ms() - t0 > longest)
			longest = mono_ms() - t0;
	} while (mono_ms() < end);
	return longest;
}

/* Rounds until `cond` holds; 5 s at most, on a loaded machine too. */
#define RUN_UNTIL(srv, renders, cond)					\
	do {								\
		uint64_t end_ = mono_ms() + 5000;			\
		do							\
			run_loop(srv, renders, 1);			\
		while (!(cond) && mono_ms() < end_);			\
	} while (0)

static int busy(const struct wr_metrics_server *srv)
{
	int i, n = 0;

	for (i = 0; i < WR_METRICS_CLIENTS; i++)
		n += srv->clients[i].used;
	return n;
}

/* Reads to EOF or error (bounded); the bytes read, and errno's value at the end. */
static size_t drain(int fd, char *buf, size_t len, int *err)
{
	struct timeval tv = { .tv_sec = 2 };
	size_t n = 0;
	ssize_t r;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	*err = 0;
	for (;;) {
		r = recv(fd, buf + n, len - 1 - n, 0);
		if (r > 0 && (n += (size_t)r) < len - 1)
			continue;
		if (r < 0)
			*err = errno;
		break;
	}
	buf[n] = '\0';
	return n;
}

static void test_serve_scrape_and_errors(void **state)
{
	static const struct { const char *req, *status; } cases[] = {
		{ "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.0 200 OK\r\n" },
		{ "GET /nothing HTTP/1.1\r\n\r\n", "HTTP/1.0 404 Not Found\r\n" },
		{ "DELETE /metrics HTTP/1.1\r\n\r\n", "HTTP/1.0 405 Method Not Allowed\r\n" },
		{ "\x16\x03\x01 hello\r\n", "HTTP/1.0 400 Bad Request\r\n" },
	};
	struct wr_metrics_server srv;
	char buf[8192];
	int renders = 0, fd, err;
	size_t i;

	body_bytes = 32;
	start(&srv, 2000);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fd = dial(&srv, 0);
		assert_true(send(fd, cases[i].req, strlen(cases[i].req), 0) > 0);
		RUN_UNTIL(&srv, &renders, srv.scrapes + srv.bad_requests == i + 1);
		drain(fd, buf, sizeof(buf), &err);
		assert_int_equal(err, 0);
		if (strncmp(buf, cases[i].status, strlen(cases[i].status)))
			fail_msg("%s answered %.40s", cases[i].req, buf);
		close(fd);
	}
	assert_int_equal(renders, 1);	/* only for the scrape */
	assert_int_equal(srv.scrapes, 1);
	assert_int_equal(srv.bad_requests, 3);
	assert_int_equal(srv.timeouts, 0);

	/* The counters are in the next scrape's answer, after what render() wrote. */
	fd = dial(&srv, 0);
	assert_true(send(fd, "GET / HTTP/1.0\n\n", 16, 0) == 16);
	RUN_UNTIL(&srv, &renders, srv.scrapes == 2);
	drain(fd, buf, sizeof(buf), &err);
	assert_non_null(strstr(buf, "\r\n\r\n# TYPE test_metric counter\ntest_metric 42\n"));
	assert_non_null(strstr(buf, "\nwhyrefused_metrics_requests_total{result=\"scrape\"} 1\n"));
	assert_non_null(strstr(buf, "\nwhyrefused_metrics_requests_total{result=\"bad_request\"} 3\n"));
	assert_non_null(strstr(buf, "\nwhyrefused_metrics_requests_total{result=\"timeout\"} 0\n"));
	assert_non_null(strstr(buf, "\nwhyrefused_metrics_requests_total{result=\"evicted\"} 0\n"));
	close(fd);
	assert_int_equal(srv.scrapes, 2);
	wr_metrics_close(&srv);
}

/* The request ends after the client shut its sending half: still answered. */
static void test_serve_half_closed(void **state)
{
	struct wr_metrics_server srv;
	char buf[8192];
	int renders = 0, fd, err;

	body_bytes = 32;
	start(&srv, 2000);
	fd = dial(&srv, 0);
	assert_true(send(fd, "GET /metrics HTTP/1.0\r\n\r\n", 25, 0) == 25);
	shutdown(fd, SHUT_WR);
	RUN_UNTIL(&srv, &renders, srv.scrapes == 1);
	drain(fd, buf, sizeof(buf), &err);
	assert_int_equal(strncmp(buf, "HTTP/1.0 200 OK\r\n", 17), 0);
	assert_int_equal(srv.scrapes, 1);
	close(fd);

	/* Gone before its head ended: counted, not answered. */
	fd = dial(&srv, 0);
	assert_true(send(fd, "GET /metrics HTTP/1.0\r\n", 23, 0) == 23);
	close(fd);
	RUN_UNTIL(&srv, &renders, srv.bad_requests == 1);
	assert_int_equal(srv.bad_requests, 1);
	assert_int_equal(renders, 1);
	wr_metrics_close(&srv);
}

/* A byte every 10 ms, never the head's end: cut off at the deadline, not later. */
static void test_serve_slow_sender(void **state)
{
	struct wr_metrics_server srv;
	uint64_t t0, longest = 0, step;
	int renders = 0, fd, i, err = 0;
	char buf[64];

	start(&srv, 200);
	fd = dial(&srv, 0);
	t0 = mono_ms();
	for (i = 0; i < 40 && send(fd, "G", 1, MSG_NOSIGNAL) == 1; i++) {
		step = run_loop(&srv, &renders, 10);
		if (step > longest)
			longest = step;
	}
	assert_true(srv.timeouts == 1);
	assert_true(mono_ms() - t0 < 1000);
	assert_true(longest < 100);	/* a blocking read would last to the deadline */
	/* Reset: the error went to a send, or comes with this read. */
	assert_int_equal(drain(fd, buf, sizeof(buf), &err), 0);
	assert_int_equal(renders, 0);
	close(fd);
	wr_metrics_close(&srv);
}

/*
 * 4 MB of metrics for a client that never reads: each step writes what the
 * socket takes and returns; the deadline cuts the client off.
 */
static void test_serve_client_never_reads(void **state)
{
	struct wr_metrics_server srv;
	char buf[65536];
	int renders = 0, fd, err;
	uint64_t longest;
	size_t n;

	body_bytes = 4 << 20;
	start(&srv, 1500);
	fd = dial(&srv, 4096);
	assert_true(send(fd, "GET /metrics HTTP/1.1\r\n\r\n", 25, 0) == 25);
	/*
	 * A step that waited for this client would never return: the alarm
	 * turns that into a failure. No time bound on a step (a loaded machine,
	 * ASan): what it wrote, it wrote without waiting.
	 */
	alarm(30);
	longest = run_loop(&srv, &renders, 200);
	assert_true(longest < 1500);	/* returned before the client's deadline */
	assert_int_equal(renders, 1);
	assert_int_equal(srv.timeouts, 0);
	assert_true(srv.clients[0].used && srv.clients[0].sent < srv.clients[0].answer_len);
	RUN_UNTIL(&srv, &renders, srv.timeouts == 1);
	assert_int_equal(srv.timeouts, 1);
	assert_int_equal(srv.scrapes, 0);
	assert_false(srv.clients[0].used);
	n = drain(fd, buf, sizeof(buf), &err);
	assert_true(n < (4u << 20));
	assert_int_equal(err, ECONNRESET);
	alarm(0);
	close(fd);
	wr_metrics_close(&srv);
	body_bytes = 32;
}

/* All slots busy: a new client closes the oldest. */
static void test_serve_evicts_oldest(void **state)
{
	struct wr_metrics_server srv;
	int fds[WR_METRICS_CLIENTS + 1], renders = 0, i, err;
	char buf[8192];

	body_bytes = 32;
	start(&srv, 5000);
	for (i = 0; i < WR_METRICS_CLIENTS; i++) {
		fds[i] = dial(&srv, 0);
		RUN_UNTIL(&srv, &renders, busy(&srv) == i + 1);	/* one by one: oldest first */
		run_loop(&srv, &renders, 2);	/* deadlines apart */
	}
	assert_int_equal(srv.evicted, 0);
	fds[i] = dial(&srv, 0);
	assert_true(send(fds[i], "GET /metrics HTTP/1.0\r\n\r\n", 25, 0) == 25);
	RUN_UNTIL(&srv, &renders, srv.scrapes == 1);
	assert_int_equal(srv.evicted, 1);
	drain(fds[0], buf, sizeof(buf), &err);
	assert_int_equal(err, ECONNRESET);
	drain(fds[i], buf, sizeof(buf), &err);
	assert_int_equal(strncmp(buf, "HTTP/1.0 200 OK\r\n", 17), 0);
	assert_int_equal(srv.scrapes, 1);
	for (i = 0; i <= WR_METRICS_CLIENTS; i++)
		close(fds[i]);
	wr_metrics_close(&srv);
	for (i = 0; i < WR_METRICS_CLIENTS; i++)
		assert_false(srv.clients[i].used);
}

static void on_alarm(int sig)
{
}

/* The wait ends at a client's deadline, and at a signal: never later than asked. */
static void test_wait_bounded(void **state)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;	/* no SA_RESTART */
	struct itimerval it = { .it_value.tv_usec = 50000 };
	struct wr_metrics_server srv;
	int renders = 0, fd;
	uint64_t t0;

	start(&srv, 150);
	fd = dial(&srv, 0);
	RUN_UNTIL(&srv, &renders, busy(&srv) == 1);
	assert_true(srv.clients[0].used);
	t0 = mono_ms();
	assert_int_equal(wr_metrics_wait(&srv, -1, 5000), 0);
	assert_true(mono_ms() - t0 < 300);
	wr_metrics_serve(&srv, render, &renders);
	assert_int_equal(srv.timeouts, 1);

	sigaction(SIGALRM, &sa, &old);
	setitimer(ITIMER_REAL, &it, NULL);
	t0 = mono_ms();
	assert_int_equal(wr_metrics_wait(&srv, -1, 5000), 0);
	assert_true(mono_ms() - t0 < 1000);
	sigaction(SIGALRM, &old, NULL);
	close(fd);
	wr_metrics_close(&srv);
}

/* ---- the textfile ---- */

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void count_entries(const char *dir, int *n)
{
	char cmd[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", n), 1);
	pclose(p);
}

static void test_write_file_never_follows(void **state)
{
	char dir[] = "/tmp/wr-metrics-test.XXXXXX", path[256], victim[256], link[300];
	char err[512], buf[256], cmd[300];
	struct stat st;
	int renders = 0, i, n;

	body_bytes = 32;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/whyrefused.prom", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	assert_int_equal(close(open(victim, O_WRONLY | O_CREAT, 0600)), 0);
	/*
	 * Symlinks to the victim at the first temporary names this process
	 * would use, and at the target itself.
	 */
	for (i = 0; i < 4; i++) {
		snprintf(link, sizeof(link), "%s.tmp.%ld.%d", path, (long)getpid(), i);
		assert_int_equal(symlink(victim, link), 0);
	}
	assert_int_equal(symlink(victim, path), 0);
	assert_int_equal(wr_metrics_write_file(path, render, &renders, err, sizeof(err)), 0);
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_size, 0);	/* never written through a link */
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));	/* the link at the target was replaced */
	slurp(path, buf, sizeof(buf));
	assert_non_null(strstr(buf, "test_metric 42\n"));
	/* Planted links stay links, nothing else is left behind. */
	for (i = 0; i < 4; i++) {
		snprintf(link, sizeof(link), "%s.tmp.%ld.%d", path, (long)getpid(), i);
		assert_int_equal(lstat(link, &st), 0);
		assert_true(S_ISLNK(st.st_mode));
	}
	assert_int_equal(wr_metrics_write_file(path, render, &renders, err, sizeof(err)), 0);
	count_entries(dir, &n);
	assert_int_equal(n, 6);		/* victim, target, the 4 links */

	/* An unwritable directory: a one-line error naming the target. */
	snprintf(path, sizeof(path), "%s/no/such/dir/x.prom", dir);
	assert_int_equal(wr_metrics_write_file(path, render, &renders, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot write "));
	assert_non_null(strstr(err, "x.prom: No such file or directory"));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_metrics),
		cmocka_unit_test(test_request_other),
		cmocka_unit_test(test_request_bad),
		cmocka_unit_test(test_request_incomplete),
		cmocka_unit_test(test_request_head_too_long),
		cmocka_unit_test(test_write_file_never_follows),	/* first: its temporary names */
		cmocka_unit_test(test_serve_scrape_and_errors),
		cmocka_unit_test(test_serve_half_closed),
		cmocka_unit_test(test_serve_slow_sender),
		cmocka_unit_test(test_serve_client_never_reads),
		cmocka_unit_test(test_serve_evicts_oldest),
		cmocka_unit_test(test_wait_bounded),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
