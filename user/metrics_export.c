// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "metrics_export.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CLIENT_WAIT_MS	100	/* per request, to send it and to take the answer */
#define MAX_PER_ROUND	8	/* scrapes answered per loop round */

int wr_metrics_listen(struct wr_metrics_server *srv, const struct wr_sockaddr *a,
		      char *err, size_t errlen)
{
	struct sockaddr_storage ss = { 0 };
	char host[INET6_ADDRSTRLEN];
	socklen_t sl;
	int one = 1;

	memset(srv, 0, sizeof(*srv));
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

/* Reads until the end of the request head, for at most CLIENT_WAIT_MS. */
static ssize_t read_request(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	ssize_t r;

	while (n + 1 < len) {
		if (poll(&p, 1, CLIENT_WAIT_MS) <= 0)
			return -1;
		r = read(fd, buf + n, len - 1 - n);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		buf[n] = '\0';
		if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
			return (ssize_t)n;
	}
	return (ssize_t)n;	/* a long head: the request line is what matters */
}

static void write_all(int fd, const char *p, size_t len)
{
	struct pollfd pf = { .fd = fd, .events = POLLOUT };
	ssize_t w;

	while (len) {
		if (poll(&pf, 1, CLIENT_WAIT_MS) <= 0)
			return;
		w = write(fd, p, len);
		if (w <= 0)
			return;
		p += w;
		len -= (size_t)w;
	}
}

static bool wants_metrics(const char *req)
{
	return !strncmp(req, "GET /metrics ", 13) || !strncmp(req, "GET /metrics?", 13) ||
	       !strncmp(req, "GET / ", 6);
}

static void answer(struct wr_metrics_server *srv, int fd, wr_render_fn render, void *arg)
{
	char req[4096], head[160];
	char *body = NULL;
	size_t body_len = 0;
	FILE *f;
	int n;

	if (read_request(fd, req, sizeof(req)) < 0) {
		srv->bad_requests++;
		return;
	}
	if (!wants_metrics(req)) {
		static const char nf[] = "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n"
					 "Content-Length: 23\r\nConnection: close\r\n\r\n"
					 "try GET /metrics here\r\n";
		write_all(fd, nf, sizeof(nf) - 1);
		srv->bad_requests++;
		return;
	}
	f = open_memstream(&body, &body_len);
	if (!f) {
		srv->bad_requests++;
		return;
	}
	render(f, arg);
	fclose(f);
	n = snprintf(head, sizeof(head), "HTTP/1.0 200 OK\r\nContent-Type: text/plain; "
		     "version=0.0.4; charset=utf-8\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n", body_len);
	write_all(fd, head, (size_t)n);
	write_all(fd, body, body_len);
	free(body);
	srv->scrapes++;
}

void wr_metrics_serve(struct wr_metrics_server *srv, wr_render_fn render, void *arg)
{
	int i, fd;

	if (srv->fd < 0)
		return;
	for (i = 0; i < MAX_PER_ROUND; i++) {
		fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		answer(srv, fd, render, arg);
		close(fd);
	}
}

void wr_metrics_close(struct wr_metrics_server *srv)
{
	if (srv->fd >= 0)
		close(srv->fd);
	srv->fd = -1;
}

int wr_metrics_write_file(const char *path, wr_render_fn render, void *arg,
			  char *err, size_t errlen)
{
	char tmp[4096];
	FILE *f;
	int fd, bad;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "cannot write %s: name too long", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	render(f, arg);
	bad = ferror(f);
	if (fclose(f) || bad || rename(tmp, path)) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		return -1;
	}
	return 0;
}
