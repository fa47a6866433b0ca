// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tcp_listen ADDR PORT [BACKLOG [FLAGS]]: a real listener that accepts and
 * closes every connection. Prints "listening" once listen() returned, so a
 * test knows the socket exists before it connects. ADDR may be 0.0.0.0 or
 * ::. FLAGS, comma-separated: v6only (IPV6_V6ONLY), noaccept (never accept,
 * so the accept queue fills up), dev=NAME (SO_BINDTODEVICE, last flag), and
 * what to do after the first accepted connection, as services end:
 * then=exit:N (exit status N), then=segv (a crash), then=exec (becomes
 * `sleep 60`; the socket is close-on-exec), then=move:PORT (closes the
 * socket, listens on PORT), then=oom (allocates until the
 * OOM killer ends it).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* After the first connection: end, or move, the way the flag says. */
static void then(int fd, struct sockaddr_storage *ss, socklen_t len, const char *what)
{
	if (!strncmp(what, "exit:", 5))
		exit(atoi(what + 5));
	if (!strncmp(what, "segv", 4))
		*(volatile int *)0 = 1;
	if (!strncmp(what, "exec", 4)) {
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	if (!strncmp(what, "move:", 5)) {
		close(fd);
		((struct sockaddr_in *)ss)->sin_port = htons(atoi(what + 5));	/* same offset for v6 */
		fd = socket(ss->ss_family, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)ss, len) || listen(fd, 16)) {
			perror("tcp_listen: move");
			exit(1);
		}
		for (;;)
			pause();
	}
	if (!strncmp(what, "oom", 3)) {
		for (;;) {	/* touched, so really allocated */
			char *p = malloc(1 << 20);

			if (p)
				memset(p, 1, 1 << 20);
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	int backlog = argc > 3 ? atoi(argv[3]) : 128;
	const char *flags = argc > 4 ? argv[4] : "";
	int fd, one = 1;
	socklen_t len;

	if (argc < 3) {
		fprintf(stderr, "usage: tcp_listen ADDR PORT [BACKLOG [v6only,noaccept,dev=NAME]]\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(atoi(argv[2]));
		len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, argv[1], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(atoi(argv[2]));
		len = sizeof(*sin6);
	} else {
		fprintf(stderr, "tcp_listen: bad address %s\n", argv[1]);
		return 2;
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (strstr(flags, "v6only"))
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (strstr(flags, "dev=") &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, strstr(flags, "dev=") + 4,
		       (socklen_t)strlen(strstr(flags, "dev=") + 4))) {
		perror("tcp_listen: SO_BINDTODEVICE");
		return 1;
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) || listen(fd, backlog)) {
		perror("tcp_listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	while (strstr(flags, "noaccept"))
		pause();
	if (strstr(flags, "then=exec"))
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c < 0)
			continue;
		close(c);
		if (strstr(flags, "then="))
			then(fd, &ss, len, strstr(flags, "then=") + 5);
	}
}
