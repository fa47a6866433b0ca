// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tcp_connect ADDR PORT [TIMEOUT_MS [SRC_ADDR|- [HOLD_MS]]]: one TCP connect
 * (from SRC_ADDR if given), and what the client saw: "connected",
 * "refused", "timeout", or "error: <strerror>". A connection is held open
 * HOLD_MS before it is closed. Exit 0 only when connected. Tests compare
 * this with what whyrefused said.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	int timeout_ms = argc > 3 ? atoi(argv[3]) : 2000;
	socklen_t len, elen = sizeof(int);
	struct pollfd pfd;
	int fd, err = 0, port;

	if (argc < 3) {
		fprintf(stderr, "usage: tcp_connect ADDR PORT [TIMEOUT_MS [SRC_ADDR|- [HOLD_MS]]]\n");
		return 2;
	}
	port = atoi(argv[2]);
	if (inet_pton(AF_INET, argv[1], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, argv[1], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		len = sizeof(*sin6);
	} else {
		fprintf(stderr, "tcp_connect: bad address %s\n", argv[1]);
		return 2;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		printf("error: %s\n", strerror(errno));
		return 1;
	}
	if (argc > 4 && strcmp(argv[4], "-")) {
		struct sockaddr_storage src = { 0 };

		src.ss_family = ss.ss_family;
		if (inet_pton(ss.ss_family, argv[4], ss.ss_family == AF_INET ?
			      (void *)&((struct sockaddr_in *)&src)->sin_addr :
			      (void *)&((struct sockaddr_in6 *)&src)->sin6_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&src, len)) {
			printf("error: cannot bind source %s\n", argv[4]);
			return 2;
		}
	}
	if (connect(fd, (struct sockaddr *)&ss, len) == 0)
		goto connected;
	if (errno != EINPROGRESS) {
		err = errno;
		goto failed;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, timeout_ms) == 0) {
		printf("timeout\n");
		return 1;
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	if (err)
		goto failed;
connected:
	printf("connected\n");
	fflush(stdout);
	if (argc > 5)
		usleep((useconds_t)atoi(argv[5]) * 1000);
	close(fd);
	return 0;
failed:
	if (err == ECONNREFUSED)
		printf("refused\n");
	else
		printf("error: %s\n", strerror(err));
	return 1;
}
