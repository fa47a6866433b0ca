// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tcp_refuse_burst IPV4_ADDR PORT[-LAST] COUNT: COUNT connects, one after
 * the other, to a port nothing listens on (or to PORT..LAST in turn, a scan),
 * each from a new source port. Prints how
 * many were refused. A burst of refusals in well under a second, for the
 * tests of rate limiting and of a stalled output reader.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	long count, i, refused = 0, first, last;
	char *dash;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "usage: tcp_refuse_burst IPV4_ADDR PORT[-LAST] COUNT\n");
		return 2;
	}
	first = atol(argv[2]);
	dash = strchr(argv[2], '-');
	last = dash ? atol(dash + 1) : first;
	if (first < 1 || last < first || last > 65535) {
		fprintf(stderr, "tcp_refuse_burst: bad port range %s\n", argv[2]);
		return 2;
	}
	count = atol(argv[3]);
	for (i = 0; i < count; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		sin.sin_port = htons((uint16_t)(first + i % (last - first + 1)));
		if (fd < 0) {
			perror("socket");
			return 1;
		}
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno == ECONNREFUSED)
			refused++;
		close(fd);
	}
	printf("%ld\n", refused);
	return 0;
}
