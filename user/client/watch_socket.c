// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The watch socket: root asks a running tracer (watch_socket.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "watch_capture.h"
#include "watch_request.h"
#include "watch_socket.h"

#define ACCEPTS_PER_TICK	4
#define READ_MS			200

/* Only root may write the directory: else another user could swap the socket. */
static int check_dir(const char *path, char *err, size_t errlen)
{
	char copy[108], dir[108];
	struct stat st;

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(dir, sizeof(dir), "%s", dirname(copy));	/* dirname writes into copy */
	if (!strcmp(dir, "/run/whyrefused") && mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
		snprintf(err, errlen, "%s is not a directory only root may write: not serving "
			 "watch requests there", dir);
		return -1;
	}
	return 0;
}

static int sock_addr(const char *path, struct sockaddr_un *sa, char *err, size_t errlen)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		snprintf(err, errlen, "--watch-socket path too long (%zu bytes at most)",
			 sizeof(sa->sun_path) - 1);
		return -1;
	}
	memcpy(sa->sun_path, path, strlen(path));
	return 0;
}

/* A socket file already there: another tracer's (leave it), or a stale one. */
static int clear_stale(const struct sockaddr_un *sa, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (lstat(sa->sun_path, &st))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is no socket", sa->sun_path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && !connect(fd, (const struct sockaddr *)sa, sizeof(*sa))) {
		close(fd);
		snprintf(err, errlen, "another whyrefused serves %s", sa->sun_path);
		return -1;
	}
	if (fd >= 0)
		close(fd);
	return unlink(sa->sun_path) && errno != ENOENT ? -1 : 0;
}

static int serve_path(struct wr_watch_server *s, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int fd;

	if (sock_addr(path, &sa, err, errlen) || check_dir(path, err, errlen) ||
	    clear_stale(&sa, err, errlen))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	old = umask(0177);	/* 0600 from the start, not after a chmod */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (listen(fd, 8) || lstat(path, &st))
		goto fail;
	s->fd = fd;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	snprintf(s->path, sizeof(s->path), "%s", path);
	return 0;
fail:
	snprintf(err, errlen, "cannot serve %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int wr_watch_server_open(struct wr_watch_server *s, const char *path, uint64_t wait_ms,
			 uint64_t window_ms, char *err, size_t errlen)
{
	s->fd = -1;
	s->wait_ms = wait_ms;
	s->window_ms = window_ms;
	if (path)
		return serve_path(s, path, err, errlen);
	/* The default: a host with another tracer, or no /run of root's, is no error. */
	serve_path(s, WR_WATCH_SOCKET_DEFAULT, err, errlen);
	return 0;
}

static void answer(int fd, const char *line)
{
	(void)!send(fd, line, strlen(line), MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* One line, read within READ_MS; its length, or -1. */
static ssize_t read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t got;

		if (poll(&p, 1, READ_MS) <= 0)
			return -1;
		got = recv(fd, buf + n, len - n, MSG_DONTWAIT);
		if (got <= 0)
			return -1;
		n += (size_t)got;
		if (memchr(buf, '\n', n))
			return (ssize_t)((char *)memchr(buf, '\n', n) - buf + 1);
	}
	return (ssize_t)n;	/* too long: the parser says so */
}

static void take(struct wr_watch_server *s, struct wr_client_watch *cw, int fd)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct wr_watch_request req;
	char line[WR_WATCH_REQUEST_MAX + 2], err[256], msg[320], who[64];
	ssize_t n;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || cred.uid != 0) {
		answer(fd, "error: only root may ask whyrefused to watch\n");
		goto refuse;
	}
	n = read_line(fd, line, sizeof(line));
	if (n < 0) {
		answer(fd, "error: no request line within 200 ms\n");
		goto refuse;
	}
	if (wr_watch_request_parse(line, (size_t)n, &req, err, sizeof(err)) ||
	    wr_client_watch_add(cw, &req.who, req.wait_ms ? req.wait_ms : s->wait_ms,
				req.window_ms ? req.window_ms : s->window_ms, false, fd, req.json,
				err, sizeof(err))) {
		snprintf(msg, sizeof(msg), "error: %s\n", err);
		answer(fd, msg);
		goto refuse;
	}
	wr_watch_addr_str(&req.who, who, sizeof(who));
	snprintf(msg, sizeof(msg), "ok: watching for SYNs from %s for %llu s at most; connect "
		 "from the client now\n", who,
		 (unsigned long long)((req.wait_ms ? req.wait_ms : s->wait_ms) / 1000));
	answer(fd, msg);
	return;
refuse:
	s->refused++;
	close(fd);
}

void wr_watch_server_serve(struct wr_watch_server *s, struct wr_client_watch *cw)
{
	for (int i = 0; s->fd >= 0 && i < ACCEPTS_PER_TICK; i++) {
		int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0)
			return;
		take(s, cw, fd);
	}
}

void wr_watch_server_close(struct wr_watch_server *s)
{
	struct stat st;

	if (s->fd < 0)
		return;
	close(s->fd);
	s->fd = -1;
	/* Ours still: a tracer started after us may have taken the name. */
	if (!lstat(s->path, &st) && st.st_dev == s->dev && st.st_ino == s->ino)
		unlink(s->path);
}

void wr_watch_reply(int fd, const char *text)
{
	answer(fd, text);
	answer(fd, "\n");
}

bool wr_watch_asker_gone(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

int wr_watch_ask(const char *path, const char *line)
{
	struct sockaddr_un sa;
	char err[160], buf[4096];
	bool ok = false, first = true;
	ssize_t n;
	int fd;

	if (sock_addr(path, &sa, err, sizeof(err))) {
		fprintf(stderr, "whyrefused: %s\n", err);
		return 2;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "whyrefused: no tracer answers on %s (%s): start whyrefused, or "
			"give its --watch-socket\n", path, strerror(errno));
		return 3;
	}
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "whyrefused: %s: %s\n", path, strerror(errno));
		close(fd);
		return 3;
	}
	/* The first line is the tracer's "ok"/"error" (stderr); the report follows (stdout). */
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		char *p = buf, *end = buf + n;

		if (first) {
			char *nl = memchr(buf, '\n', (size_t)n);

			ok = !strncmp(buf, "ok", 2);
			fprintf(stderr, "whyrefused: %.*s\n", (int)((nl ? nl : end) - buf), buf);
			p = nl ? nl + 1 : end;
			first = false;
		}
		fwrite(p, 1, (size_t)(end - p), stdout);
		fflush(stdout);
	}
	close(fd);
	return ok ? 0 : 1;
}

int wr_watch_ask_run(const struct wr_options *o)
{
	struct wr_watch_request req = { .who = o->ask_who, .json = o->json };
	char line[WR_WATCH_REQUEST_MAX + 2];

	/* The tracer's own --watch-for/--watch-window unless given here. */
	if (o->watch_for_ms != 60000)
		req.wait_ms = o->watch_for_ms;
	if (o->watch_window_ms != 10000)
		req.window_ms = o->watch_window_ms;
	if (!wr_watch_request_format(&req, line, sizeof(line)))
		return 2;
	return wr_watch_ask(o->watch_socket ? o->watch_socket : WR_WATCH_SOCKET_DEFAULT, line);
}
