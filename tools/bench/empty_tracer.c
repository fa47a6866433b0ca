// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * empty_tracer OBJ COPIES [PROGRAM...]: loads the named programs of OBJ
 * (empty.bpf.o; all of them when none is named) COPIES times, attaches
 * each, prints "attached" and waits for SIGINT or SIGTERM. bench.sh's
 * `empty*` configurations: the cost of being attached at all. A program the
 * kernel cannot load or attach (a tracepoint it lacks, fentry refused, a
 * function in a module not loaded) is skipped with a line on stderr, as
 * whyrefused goes without it. Many copies multiply the cost of a call until
 * a rate shows it without bpf_stats, whose own clock reads are most of what
 * it shows for one empty program (`empty-xN`).
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static bool named(const char *name, int argc, char **argv)
{
	int i;

	if (argc <= 3)
		return true;
	for (i = 3; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

/* One object per program: one the kernel refuses does not take the others down. */
static int attach_one(const char *path, const char *name)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog, *want = NULL;

	if (!obj)
		return -errno;
	bpf_object__for_each_program(prog, obj) {
		bool me = !strcmp(bpf_program__name(prog), name);

		bpf_program__set_autoload(prog, me);
		if (me)
			want = prog;
	}
	if (!want || bpf_object__load(obj) || !bpf_program__attach(want)) {
		int e = errno ? -errno : -ENOENT;

		bpf_object__close(obj);
		return e;
	}
	return 0;	/* the link goes with the process */
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	int copies = argc > 2 ? atoi(argv[2]) : 0, i, attached = 0, e;

	if (argc < 3 || copies < 1 || copies > 1000) {
		fprintf(stderr, "usage: empty_tracer OBJ COPIES(1-1000) [PROGRAM...]\n");
		return 2;
	}
	libbpf_set_print(silent);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "empty_tracer: cannot open %s\n", argv[1]);
		return 1;
	}
	/* Copies are loaded apart: a tracepoint takes a program only once. */
	for (i = 0; i < copies; i++) {
		bpf_object__for_each_program(prog, obj) {
			const char *name = bpf_program__name(prog);

			if (!named(name, argc, argv))
				continue;
			e = attach_one(argv[1], name);
			if (e && i == 0)
				fprintf(stderr, "empty_tracer: skipped %s: %s\n", name, strerror(-e));
			attached += !e;
		}
	}
	bpf_object__close(obj);
	if (!attached) {
		fprintf(stderr, "empty_tracer: no program attached\n");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("attached %d\n", attached);
	fflush(stdout);
	while (!stop)
		pause();
	return 0;
}
