// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loadgen: TCP load for tools/bench. One binary, one mode per run:
 *
 *   loadgen serve  ADDR PORT [-k close|sink] [-t THREADS] [-d MAXSECS]
 *   loadgen accept ADDR PORT        [-d SECS] [-c CONC] [-t THREADS]
 *   loadgen refuse ADDR PORT[-PORT] [-d SECS] [-c CONC] [-t THREADS] [-r RATE]
 *   loadgen stream ADDR PORT        [-d SECS] [-b BYTES]
 *
 * serve: a listener per thread (SO_REUSEPORT) that either closes every
 * connection at once (close: the client sees the FIN, so it never holds a
 * TIME_WAIT and never runs out of ports) or reads and discards (sink).
 * Prints "listening" once bound.
 *
 * accept: CONC non-blocking connects in flight per thread to an open port;
 * one is counted when the server's FIN arrives, i.e. a full handshake,
 * accept() and teardown.
 *
 * refuse: the same to closed ports, counted at ECONNREFUSED. Destination
 * ports rotate over the range so that no 4-tuple repeats within the
 * tracer's fold window: every SYN is then a new attempt for it, as in a
 * scan, not a retransmission it may fold. -r paces to RATE attempts/s.
 *
 * stream: one connection writing BYTES-sized buffers to a sink.
 *
 * Each client mode runs SECS seconds and prints one JSON line of results.
 * Every loop is bounded: by the deadline, and attempts by a 1 s timeout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS	16
#define MAX_CONC	1024
#define ATTEMPT_NS	1000000000ULL	/* a SYN with no answer: give up */
#define SERVE_MAX_S	3600		/* a forgotten server still ends */
#define SINK_BUF	(256 * 1024)

enum mode { M_SERVE, M_ACCEPT, M_REFUSE, M_STREAM };
static const char *const mode_names[] = { "serve", "accept", "refuse", "stream" };

struct opts {
	enum mode mode;
	struct sockaddr_in addr;
	uint16_t port_lo, port_hi;	/* refuse rotates over lo..hi */
	double seconds;
	int conc, threads;
	double rate;			/* refuse: attempts/s over all threads; 0: flat out */
	size_t bufsize;
	bool sink;			/* serve: read until EOF instead of closing */
};

struct worker {
	pthread_t th;
	const struct opts *o;
	int id;
	int listen_fd;			/* serve */
	uint64_t ok;			/* accepted, refused or bytes, by mode */
	uint64_t unexpected;		/* accept: refused; refuse: connected */
	uint64_t timeouts, errors;
};

/* One connection attempt in flight. */
struct slot {
	int fd;
	uint64_t started_ns;
	bool connected;
};

static atomic_bool stop;

static void on_stop(int sig)
{
	(void)sig;
	atomic_store(&stop, true);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: loadgen serve  ADDR PORT [-k close|sink] [-t THREADS] [-d MAXSECS]\n"
		"       loadgen accept ADDR PORT [-d SECS] [-c CONC] [-t THREADS]\n"
		"       loadgen refuse ADDR PORT[-PORT] [-d SECS] [-c CONC] [-t THREADS] [-r RATE]\n"
		"       loadgen stream ADDR PORT [-d SECS] [-b BYTES]\n");
	exit(2);
}

/* ---- client: many non-blocking attempts per thread ------------------- */

static uint16_t next_port(const struct opts *o, uint64_t *turn)
{
	uint32_t span = (uint32_t)(o->port_hi - o->port_lo) + 1;

	return (uint16_t)(o->port_lo + (*turn)++ % span);
}

static void slot_end(struct slot *s)
{
	close(s->fd);	/* also removes it from the epoll set */
	s->fd = -1;
}

/* The attempt ended inside connect(): count it now, there is nothing to wait for. */
static void count_immediate(struct worker *w, struct slot *s, int err)
{
	if (err == ECONNREFUSED && w->o->mode == M_REFUSE)
		w->ok++;
	else if (err == ECONNREFUSED)
		w->unexpected++;
	else
		w->errors++;
	slot_end(s);
}

/* Starts one non-blocking connect in `s`; false if no attempt went out. */
static bool slot_start(struct worker *w, int ep, struct slot *s, uint32_t idx, uint16_t port)
{
	struct sockaddr_in sin = w->o->addr;
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = idx };

	sin.sin_port = htons(port);
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		w->errors++;
		return false;
	}
	s->started_ns = now_ns();
	s->connected = false;
	if (connect(s->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno != EINPROGRESS) {
		/* EADDRNOTAVAIL (out of ports) sent nothing; a refusal did. */
		bool sent = errno == ECONNREFUSED;

		count_immediate(w, s, errno);
		return sent;
	}
	epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev);
	return true;
}

/* The connect finished: refused, failed, or established (then wait for FIN). */
static void on_connect_done(struct worker *w, int ep, struct slot *s, uint32_t idx)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.u32 = idx };
	socklen_t len = sizeof(int);
	int err = 0;

	getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err == ECONNREFUSED) {
		if (w->o->mode == M_REFUSE)
			w->ok++;
		else
			w->unexpected++;
	} else if (err) {
		w->errors++;
	} else if (w->o->mode == M_REFUSE) {
		w->unexpected++;	/* something listens on a port meant closed */
	} else {
		s->connected = true;
		epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &ev);
		return;
	}
	slot_end(s);
}

/* accept mode: the server closed its end, so the whole exchange is done. */
static void on_peer_closed(struct worker *w, struct slot *s)
{
	char c;

	if (read(s->fd, &c, 1) <= 0)
		w->ok++;
	else
		w->errors++;	/* the close server never sends data */
	slot_end(s);
}

/* Attempts with no answer in ATTEMPT_NS are counted and given up. */
static void reap_timeouts(struct worker *w, struct slot *slots, int n, uint64_t now)
{
	for (int i = 0; i < n; i++) {
		if (slots[i].fd >= 0 && now - slots[i].started_ns > ATTEMPT_NS) {
			w->timeouts++;
			slot_end(&slots[i]);
		}
	}
}

/* How many attempts -r allows to have started by now (all, without -r). */
static uint64_t pace_allowance(const struct opts *o, uint64_t t0, uint64_t now)
{
	double per_thread = o->rate / o->threads;

	if (o->rate <= 0)
		return UINT64_MAX;
	return (uint64_t)(per_thread * (double)(now - t0) / 1e9) + 1;
}

/* Refills free slots, within the pace; returns true if pacing held one back. */
static bool refill(struct worker *w, int ep, struct slot *slots, uint64_t *started,
		   uint64_t *turn, uint64_t t0)
{
	uint64_t allowed = pace_allowance(w->o, t0, now_ns());

	for (int i = 0; i < w->o->conc; i++) {
		if (slots[i].fd >= 0)
			continue;
		if (*started >= allowed)
			return true;
		if (slot_start(w, ep, &slots[i], (uint32_t)i, next_port(w->o, turn)))
			(*started)++;
	}
	return false;
}

static void handle_ready(struct worker *w, int ep, struct slot *slots,
			 const struct epoll_event *evs, int n)
{
	for (int i = 0; i < n; i++) {
		uint32_t idx = evs[i].data.u32;
		struct slot *s = &slots[idx];

		if (s->fd < 0)
			continue;
		if (s->connected)
			on_peer_closed(w, s);
		else
			on_connect_done(w, ep, s, idx);
	}
}

static void *connect_worker(void *arg)
{
	struct worker *w = arg;
	struct slot slots[MAX_CONC];
	struct epoll_event evs[64];
	uint64_t t0 = now_ns(), last_reap = t0, started = 0;
	/* Threads start on different ports so they do not walk in step. */
	uint64_t turn = (uint64_t)w->id * 7919;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	for (int i = 0; i < w->o->conc; i++)
		slots[i].fd = -1;
	while (!atomic_load(&stop)) {
		bool paced = refill(w, ep, slots, &started, &turn, t0);
		int n = epoll_wait(ep, evs, 64, paced ? 1 : 100);
		uint64_t now = now_ns();

		if (n > 0)
			handle_ready(w, ep, slots, evs, n);
		if (now - last_reap > 100000000ULL) {
			reap_timeouts(w, slots, w->o->conc, now);
			last_reap = now;
		}
	}
	for (int i = 0; i < w->o->conc; i++)
		if (slots[i].fd >= 0)
			slot_end(&slots[i]);
	close(ep);
	return NULL;
}

/* ---- client: one stream -------------------------------------------------- */

static void *stream_worker(void *arg)
{
	struct worker *w = arg;
	struct timeval tv = { .tv_usec = 200000 };	/* so a stall still sees `stop` */
	struct sockaddr_in sin = w->o->addr;
	char *buf = calloc(1, w->o->bufsize);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sin.sin_port = htons(w->o->port_lo);
	if (!buf || fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		w->errors++;
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (!atomic_load(&stop)) {
		ssize_t n = write(fd, buf, w->o->bufsize);

		if (n > 0) {
			w->ok += (uint64_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			w->errors++;
			break;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* ---- server ---------------------------------------------------------------- */

static int make_listener(const struct opts *o)
{
	struct sockaddr_in sin = o->addr;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	sin.sin_port = htons(o->port_lo);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* One listener per thread: the kernel spreads connections over them. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 4096)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void accept_all(struct worker *w, int ep)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int c;

	while ((c = accept4(w->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		w->ok++;
		if (!w->o->sink) {
			close(c);	/* our FIN first: the TIME_WAIT stays here */
			continue;
		}
		ev.data.fd = c;
		epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
	}
}

/* Reads what is there and drops it; closes on EOF or error. */
static void drain(int fd, char *buf)
{
	for (int i = 0; i < 64; i++) {	/* bounded: let other sockets have a turn */
		ssize_t n = read(fd, buf, SINK_BUF);

		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close(fd);
		return;
	}
}

static void *serve_worker(void *arg)
{
	struct worker *w = arg;
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = w->listen_fd }, evs[64];
	char *buf = malloc(SINK_BUF);
	int ep = epoll_create1(EPOLL_CLOEXEC);

	epoll_ctl(ep, EPOLL_CTL_ADD, w->listen_fd, &ev);
	while (buf && !atomic_load(&stop)) {
		int n = epoll_wait(ep, evs, 64, 100);

		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == w->listen_fd)
				accept_all(w, ep);
			else
				drain(evs[i].data.fd, buf);
		}
	}
	close(ep);
	free(buf);
	return NULL;
}

/* ---- main ------------------------------------------------------------------ */

static bool parse_ports(const char *s, struct opts *o)
{
	char *end;
	long lo = strtol(s, &end, 10), hi = lo;

	if (*end == '-')
		hi = strtol(end + 1, &end, 10);
	if (*end || lo < 1 || hi < lo || hi > 65535)
		return false;
	o->port_lo = (uint16_t)lo;
	o->port_hi = (uint16_t)hi;
	return true;
}

static enum mode parse_mode(const char *s)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(s, mode_names[i]))
			return (enum mode)i;
	usage();
	return M_SERVE;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	int c;

	/* No -d: 5 s of load, or a server that outlives any benchmark. */
	*o = (struct opts){ .conc = 64, .threads = 1, .bufsize = 128 * 1024 };
	o->addr.sin_family = AF_INET;
	while ((c = getopt(argc, argv, "d:c:t:r:b:k:")) != -1) {
		switch (c) {
		case 'd':
			o->seconds = atof(optarg);
			break;
		case 'c':
			o->conc = atoi(optarg);
			break;
		case 't':
			o->threads = atoi(optarg);
			break;
		case 'r':
			o->rate = atof(optarg);
			break;
		case 'b':
			o->bufsize = (size_t)atol(optarg);
			break;
		case 'k':
			o->sink = !strcmp(optarg, "sink");
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 3)
		usage();
	o->mode = parse_mode(argv[optind]);
	if (!o->seconds)
		o->seconds = o->mode == M_SERVE ? SERVE_MAX_S : 5;
	if (inet_pton(AF_INET, argv[optind + 1], &o->addr.sin_addr) != 1 ||
	    !parse_ports(argv[optind + 2], o))
		usage();
	if (o->seconds < 0 || o->seconds > SERVE_MAX_S || o->conc < 1 || o->conc > MAX_CONC ||
	    o->threads < 1 || o->threads > MAX_THREADS || o->bufsize < 1 || o->rate < 0)
		usage();
}

/* Sleeps until the deadline or a signal; returns the seconds it ran. */
static double run_for(double seconds, uint64_t t0)
{
	uint64_t end = t0 + (uint64_t)(seconds * 1e9);
	struct timespec ts = { .tv_nsec = 10000000 };

	while (!atomic_load(&stop) && now_ns() < end)
		nanosleep(&ts, NULL);
	atomic_store(&stop, true);
	return (double)(now_ns() - t0) / 1e9;
}

static void report(const struct opts *o, const struct worker *w, int n, double secs)
{
	static const char *const what[] = { "accepted", "accepted", "refused", "bytes" };
	uint64_t ok = 0, unexpected = 0, timeouts = 0, errors = 0;

	for (int i = 0; i < n; i++) {
		ok += w[i].ok;
		unexpected += w[i].unexpected;
		timeouts += w[i].timeouts;
		errors += w[i].errors;
	}
	printf("{\"mode\":\"%s\",\"seconds\":%.3f,\"threads\":%d,\"concurrency\":%d,"
	       "\"target_rate\":%.0f,\"%s\":%llu,\"rate\":%.1f,\"unexpected\":%llu,"
	       "\"timeouts\":%llu,\"errors\":%llu}\n",
	       mode_names[o->mode], secs, o->threads, o->conc, o->rate, what[o->mode],
	       (unsigned long long)ok, (double)ok / secs, (unsigned long long)unexpected,
	       (unsigned long long)timeouts, (unsigned long long)errors);
}

static int open_listeners(const struct opts *o, struct worker *w)
{
	for (int i = 0; i < o->threads; i++) {
		w[i].listen_fd = make_listener(o);
		if (w[i].listen_fd < 0) {
			perror("loadgen: listen");
			return -1;
		}
	}
	printf("listening\n");
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static struct worker w[MAX_THREADS];
	struct sigaction sa = { .sa_handler = on_stop };
	void *(*fn)(void *) = connect_worker;
	struct opts o;
	uint64_t t0;
	double secs;

	parse_args(argc, argv, &o);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (o.mode == M_STREAM)
		o.threads = 1, fn = stream_worker;
	if (o.mode == M_SERVE) {
		if (open_listeners(&o, w))
			return 1;
		fn = serve_worker;
	}
	t0 = now_ns();
	for (int i = 0; i < o.threads; i++) {
		w[i].o = &o;
		w[i].id = i;
		if (pthread_create(&w[i].th, NULL, fn, &w[i])) {
			fprintf(stderr, "loadgen: cannot start thread %d\n", i);
			return 1;
		}
	}
	secs = run_for(o.seconds, t0);
	for (int i = 0; i < o.threads; i++)
		pthread_join(w[i].th, NULL);
	if (o.mode != M_SERVE)
		report(&o, w, o.threads, secs);
	return 0;
}
