// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tcp_listen ADDR PORT [BACKLOG [FLAGS]]: a real listener that accepts and
 * closes every connection. Prints "listening" once listen() returned, so a
 * test knows the socket exists before it connects. ADDR may be 0.0.0.0 or
 * ::. FLAGS, comma-separated: v6only (IPV6_V6ONLY), noaccept (never accept,
 * so the accept queue fills up), dev=NAME (SO_BINDTODEVICE, last flag).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
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
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c >= 0)
			close(c);
	}
}
