// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * listen_netns PORT NETNS_PATH...: one process holding a TCP listener on
 * 0.0.0.0:PORT in each of the given network namespaces (a busy container
 * host without a thousand processes). Prints "ready", then waits.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	if (argc < 3) {
		fprintf(stderr, "usage: listen_netns PORT NETNS_PATH...\n");
		return 2;
	}
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	for (int i = 2; i < argc; i++) {
		int ns = open(argv[i], O_RDONLY | O_CLOEXEC), fd;

		if (ns < 0 || setns(ns, CLONE_NEWNET)) {
			perror(argv[i]);
			return 1;
		}
		close(ns);
		int one = 1;

		fd = socket(AF_INET, SOCK_STREAM, 0);	/* in the namespace just entered */
		if (fd >= 0)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 16)) {
			perror("listen_netns");
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
