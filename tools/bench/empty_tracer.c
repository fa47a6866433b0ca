// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * empty_tracer OBJ [COPIES]: loads OBJ (empty.bpf.o) COPIES times (1),
 * attaches every program of every copy, prints "attached" and waits for
 * SIGINT or SIGTERM. bench.sh's `empty` configuration: the cost of being
 * attached at all. Many copies multiply the cost of a call until a rate
 * shows it without bpf_stats, whose own clock reads are most of what it
 * shows for one empty program (`empty-xN`).
 */
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	int copies = argc > 2 ? atoi(argv[2]) : 1, i;

	if (argc < 2 || argc > 3 || copies < 1 || copies > 1000) {
		fprintf(stderr, "usage: empty_tracer OBJ [COPIES (1-1000)]\n");
		return 2;
	}
	/* Copies are loaded apart: a tracepoint takes a program only once. */
	for (i = 0; i < copies; i++) {
		obj = bpf_object__open_file(argv[1], NULL);
		if (!obj || bpf_object__load(obj)) {
			fprintf(stderr, "empty_tracer: cannot load %s\n", argv[1]);
			return 1;
		}
		bpf_object__for_each_program(prog, obj) {
			if (!bpf_program__attach(prog)) {
				fprintf(stderr, "empty_tracer: cannot attach %s\n",
					bpf_program__name(prog));
				return 1;
			}
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		pause();
	return 0;	/* the links go with the process */
}
