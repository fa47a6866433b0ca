// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * start_time RUNS COMMAND [ARG...]: how long COMMAND (whyrefused --json)
 * takes from exec to its `start` record, RUNS times, one after the other.
 * Per run: wall ms from fork to the record's line, and the CPU its threads
 * used until then (/proc/PID/task/TID/schedstat, ns: finer than the 10 ms
 * ticks of /proc/PID/stat). Then it is killed, and the next one starts.
 * Prints one line per run ("run N: W ms, C ms CPU"), then
 * "median W ms (min-max), CPU median C ms". A measurement, never pass/fail.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 100

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The CPU time of all of pid's threads so far, in ms. */
static double cpu_ms(pid_t pid)
{
	char path[64], line[128];
	unsigned long long ns, sum = 0;
	struct dirent *d;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/schedstat", (int)pid, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(line, sizeof(line), f) && sscanf(line, "%llu", &ns) == 1)
			sum += ns;
		fclose(f);
	}
	closedir(dir);
	return sum / 1e6;
}

/* One run: 0 with *wall and *cpu, -1 when no start record came. */
static int one_run(char **argv, double *wall, double *cpu)
{
	char line[8192];
	int fds[2], found = 0;
	double t0 = now_ms();
	pid_t pid;
	FILE *out;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	out = fdopen(fds[0], "r");
	while (out && fgets(line, sizeof(line), out))
		if (strstr(line, "\"event\":\"start\"")) {
			found = 1;
			break;
		}
	*wall = now_ms() - t0;
	*cpu = cpu_ms(pid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (out)
		fclose(out);
	return found ? 0 : -1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	double wall[MAX_RUNS], cpu[MAX_RUNS];
	int runs, i;

	if (argc < 3 || (runs = atoi(argv[1])) < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: start_time RUNS(1-%d) COMMAND [ARG...]\n", MAX_RUNS);
		return 2;
	}
	for (i = 0; i < runs; i++) {
		if (one_run(argv + 2, &wall[i], &cpu[i])) {
			fprintf(stderr, "start_time: run %d: no start record from %s\n", i + 1, argv[2]);
			return 1;
		}
		printf("run %d: %.1f ms, %.1f ms CPU\n", i + 1, wall[i], cpu[i]);
		usleep(200 * 1000);	/* the last one's teardown is not the next one's start */
	}
	qsort(wall, runs, sizeof(double), cmp);
	qsort(cpu, runs, sizeof(double), cmp);
	printf("median %.1f ms (%.1f-%.1f), CPU median %.1f ms\n", wall[runs / 2], wall[0],
	       wall[runs - 1], cpu[runs / 2]);
	return 0;
}
