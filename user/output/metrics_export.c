// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "metrics_export.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

#define ACCEPT_RETRY_MS	100	/* out of fds: the queued connection waits this long */

int wr_metrics_listen(struct wr_metrics_server *srv, const struct wr_sockaddr *a,
		      char *err, size_t errlen)
{
	struct sockaddr_storage ss = { 0 };
	char host[INET6_ADDRSTRLEN];
	socklen_t sl;
	int one = 1;

	memset(srv, 0, sizeof(*srv));
	srv->deadline_ms = WR_METRICS_DEADLINE_MS;
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(a->port);
		memcpy(&s6->sin6_addr, a->addr, 16);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(a->port);
		memcpy(&s4->sin_addr, a->addr, 4);
		sl = sizeof(*s4);
	}
	inet_ntop(a->family, a->addr, host, sizeof(host));
	srv->fd = socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0)
		goto fail;
	setsockopt(srv->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(srv->fd, (struct sockaddr *)&ss, sl) || listen(srv->fd, 16))
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, a->family == AF_INET6 ? "cannot serve metrics on [%s]:%u: %s" :
		 "cannot serve metrics on %s:%u: %s", host, a->port, strerror(errno));
	if (srv->fd >= 0)
		close(srv->fd);
	srv->fd = -1;
	return -1;
}

static void release(struct wr_metrics_client *c)
{
	close(c->fd);
	free(c->answer);
	c->answer = NULL;
	c->used = false;
}

/*
 * A reset, not a FIN: an answer the client never read would otherwise stay
 * queued in the kernel, retried for minutes, after the slot is reused.
 */
static void cut_off(struct wr_metrics_client *c)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	release(c);
}

static void shorten(int *timeout_ms, uint64_t ms)
{
	if (*timeout_ms < 0 || ms < (uint64_t)*timeout_ms)
		*timeout_ms = (int)ms;
}

int wr_metrics_wait(const struct wr_metrics_server *srv, int fd, int timeout_ms)
{
	struct pollfd p[2 + WR_METRICS_CLIENTS];
	const struct wr_metrics_client *c;
	uint64_t now = wr_now_ms();
	nfds_t n = 0;
	int i, r;

	if (fd >= 0)
		p[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (srv->fd >= 0 && now >= srv->accept_after_ms)
		p[n++] = (struct pollfd){ .fd = srv->fd, .events = POLLIN };
	else if (srv->fd >= 0)
		shorten(&timeout_ms, srv->accept_after_ms - now);
	for (i = 0; srv->fd >= 0 && i < WR_METRICS_CLIENTS; i++) {
		c = &srv->clients[i];
		if (!c->used)
			continue;
		p[n++] = (struct pollfd){ .fd = c->fd, .events = c->answer ? POLLOUT : POLLIN };
		shorten(&timeout_ms, c->deadline_ms > now ? c->deadline_ms - now : 0);
	}
	/* Not resumed after a signal (SIGHUP): the caller's loop comes back here. */
	r = poll(p, n, timeout_ms);
	return r < 0 && errno == EINTR ? 0 : r;
}

/* A free slot; with none, the oldest client's (its deadline is the nearest). */
static struct wr_metrics_client *free_slot(struct wr_metrics_server *srv)
{
	struct wr_metrics_client *oldest = NULL, *c;
	int i;

	for (i = 0; i < WR_METRICS_CLIENTS; i++) {
		c = &srv->clients[i];
		if (!c->used)
			return c;
		if (!oldest || c->deadline_ms < oldest->deadline_ms)
			oldest = c;
	}
	cut_off(oldest);
	srv->evicted++;
	return oldest;
}

static void accept_clients(struct wr_metrics_server *srv, uint64_t now)
{
	struct wr_metrics_client *c;
	int i, fd;

	if (now < srv->accept_after_ms)
		return;
	for (i = 0; i < WR_METRICS_CLIENTS; i++) {
		fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			/* The connection stays queued, readable: do not spin on it. */
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				srv->accept_after_ms = now + ACCEPT_RETRY_MS;
			return;
		}
		c = free_slot(srv);
		memset(c, 0, offsetof(struct wr_metrics_client, head));
		c->used = true;
		c->fd = fd;
		c->deadline_ms = now + srv->deadline_ms;
	}
}

static void render_endpoint(FILE *f, const struct wr_metrics_server *srv)
{
	static const char name[] = "whyrefused_metrics_requests_total";

	fprintf(f, "# HELP %s Connections to this metrics endpoint, by how they ended.\n"
		"# TYPE %s counter\n", name, name);
	fprintf(f, "%s{result=\"scrape\"} %llu\n", name, (unsigned long long)srv->scrapes);
	fprintf(f, "%s{result=\"bad_request\"} %llu\n", name,
		(unsigned long long)srv->bad_requests);
	fprintf(f, "%s{result=\"timeout\"} %llu\n", name, (unsigned long long)srv->timeouts);
	fprintf(f, "%s{result=\"evicted\"} %llu\n", name, (unsigned long long)srv->evicted);
}

/* The whole answer, head and body in one buffer; NULL when out of memory. */
static char *metrics_answer(const struct wr_metrics_server *srv, wr_render_fn render, void *arg,
			    size_t *len)
{
	char head[160], *body = NULL, *a = NULL;
	size_t body_len = 0;
	FILE *f;
	int n;

	f = open_memstream(&body, &body_len);
	if (!f)
		return NULL;
	render(f, arg);
	render_endpoint(f, srv);
	if (fclose(f))
		goto out;
	n = snprintf(head, sizeof(head), "HTTP/1.0 200 OK\r\nContent-Type: text/plain; "
		     "version=0.0.4; charset=utf-8\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n", body_len);
	a = malloc((size_t)n + body_len);
	if (!a)
		goto out;
	memcpy(a, head, (size_t)n);
	memcpy(a + n, body, body_len);
	*len = (size_t)n + body_len;
out:
	free(body);
	return a;
}

static char *error_answer(enum wr_request verdict, size_t *len)
{
	const char *status = "400 Bad Request", *extra = "", *body = "not an HTTP/1.x request\r\n";
	char *a;
	int n;

	if (verdict == WR_REQ_NOT_FOUND) {
		status = "404 Not Found";
		body = "try GET /metrics here\r\n";
	} else if (verdict == WR_REQ_BAD_METHOD) {
		status = "405 Method Not Allowed";
		extra = "Allow: GET\r\n";
		body = "try GET /metrics here\r\n";
	}
	n = asprintf(&a, "HTTP/1.0 %s\r\n%sContent-Type: text/plain\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n%s", status, extra, strlen(body), body);
	if (n < 0)
		return NULL;
	*len = (size_t)n;
	return a;
}

/*
 * Reads what has arrived; once the head is complete, renders the answer.
 * Returns -1 when the client is gone (counted).
 */
static int read_head(struct wr_metrics_server *srv, struct wr_metrics_client *c,
		     wr_render_fn render, void *arg)
{
	enum wr_request verdict;
	bool eof = false;
	ssize_t r;

	while (c->head_len < sizeof(c->head)) {
		r = recv(c->fd, c->head + c->head_len, sizeof(c->head) - c->head_len, 0);
		if (r > 0) {
			c->head_len += (size_t)r;
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			break;
		eof = true;	/* closed (maybe just its sending half) or reset */
		break;
	}
	verdict = wr_request_parse(c->head, c->head_len);
	if (verdict == WR_REQ_INCOMPLETE) {
		if (!eof)
			return 0;
		cut_off(c);
		srv->bad_requests++;
		return -1;
	}
	c->scrape = verdict == WR_REQ_METRICS;
	c->answer = c->scrape ? metrics_answer(srv, render, arg, &c->answer_len) :
				error_answer(verdict, &c->answer_len);
	if (!c->answer) {
		cut_off(c);
		srv->bad_requests++;
		return -1;
	}
	return 0;
}

static void send_answer(struct wr_metrics_server *srv, struct wr_metrics_client *c)
{
	ssize_t w;

	while (c->sent < c->answer_len) {
		w = send(c->fd, c->answer + c->sent, c->answer_len - c->sent, MSG_NOSIGNAL);
		if (w > 0) {
			c->sent += (size_t)w;
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;	/* the rest when the socket takes it */
		cut_off(c);	/* gone before its answer */
		srv->bad_requests++;
		return;
	}
	if (c->scrape)
		srv->scrapes++;
	else
		srv->bad_requests++;
	release(c);
}

void wr_metrics_serve(struct wr_metrics_server *srv, wr_render_fn render, void *arg)
{
	struct wr_metrics_client *c;
	uint64_t now;
	int i;

	if (srv->fd < 0)
		return;
	now = wr_now_ms();
	/* First: a request that came with its connection is answered in this step. */
	accept_clients(srv, now);
	for (i = 0; i < WR_METRICS_CLIENTS; i++) {
		c = &srv->clients[i];
		if (!c->used)
			continue;
		if (now >= c->deadline_ms) {
			cut_off(c);
			srv->timeouts++;
			continue;
		}
		if (!c->answer && read_head(srv, c, render, arg))
			continue;
		if (c->answer)
			send_answer(srv, c);
	}
}

void wr_metrics_close(struct wr_metrics_server *srv)
{
	int i;

	for (i = 0; i < WR_METRICS_CLIENTS; i++)
		if (srv->clients[i].used)
			cut_off(&srv->clients[i]);
	if (srv->fd >= 0)
		close(srv->fd);
	srv->fd = -1;
}

/*
 * A new file, never one that exists: O_EXCL also refuses a symlink planted
 * at the name (O_NOFOLLOW says it twice). pid and a counter make the name
 * unique; a name taken anyway (a crash's leftover) moves on to the next.
 */
static int create_beside(const char *path, char *tmp, size_t len)
{
	static unsigned int seq;
	int tries, fd = -1;

	for (tries = 0; tries < 8; tries++) {
		if ((size_t)snprintf(tmp, len, "%s.tmp.%ld.%u", path, (long)getpid(),
				     seq++) >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	return fd;
}

int wr_metrics_write_file(const char *path, wr_render_fn render, void *arg,
			  char *err, size_t errlen)
{
	char tmp[4096];
	FILE *f;
	int fd, bad;

	fd = create_beside(path, tmp, sizeof(tmp));
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	errno = 0;
	render(f, arg);
	bad = ferror(f);
	if (fclose(f) || bad || rename(tmp, path)) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		return -1;
	}
	return 0;
}
