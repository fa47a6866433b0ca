// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The tracer's own periodic work, as entries of the enrichers' table
 * (enricher.h) with a timer and no facts: netfilter modules loaded since
 * start, the output (SIGHUP, the sink, metrics clients), the metrics
 * textfile and the stats record; and the kernel's counters they report.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "nl_kernel.h"
#include "tracer.h"
#include "whyrefused.skel.h"

volatile sig_atomic_t wr_reopen_output;

int wr_open_output(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
}

uint64_t wr_tracer_counter(struct tracer *t, uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu > 0 ? ncpu : 1], sum = 0;
	int c;

	if (ncpu <= 0 || bpf_map__lookup_elem(t->skel->maps.counters, &idx, sizeof(idx), vals,
					      sizeof(vals), 0))
		return 0;
	for (c = 0; c < ncpu; c++)
		sum += vals[c];
	return sum;
}

/*
 * The kernel counts a SYN as seen before its outcome (filtered, folded...):
 * outcomes are read first and `seen` last, so while traffic flows `seen`
 * can only run ahead by the SYNs in flight. Once detached (the final
 * record) they add up exactly.
 */
void wr_tracer_read_counters(struct tracer *t)
{
	if (t->final_counters)
		return;
	clock_gettime(CLOCK_REALTIME, &t->stats.ts);
	for (uint32_t i = 0; i < WR_CNT_MAX; i++)
		if (i != WR_CNT_SEEN && i != WR_CNT_LISTEN_SEEN)
			t->stats.kernel[i] = wr_tracer_counter(t, i);
	t->stats.kernel[WR_CNT_LISTEN_SEEN] = wr_tracer_counter(t, WR_CNT_LISTEN_SEEN);
	t->stats.kernel[WR_CNT_SEEN] = wr_tracer_counter(t, WR_CNT_SEEN);
	t->stats.netlink_forged = wr_nl_forged();
	wr_pipeline_stats(t, &t->stats);
}

static void render_metrics(FILE *f, void *arg)
{
	struct tracer *t = arg;
	struct wr_output_counts c;

	wr_tracer_read_counters(t);
	wr_output_counts(&t->out, &c);
	wr_metrics_render(f, &t->metrics, &t->stats, &c);
}

void wr_tracer_write_metrics(struct tracer *t)
{
	char err[512];

	if (t->opts.metrics_file &&
	    wr_metrics_write_file(t->opts.metrics_file, render_metrics, t, err, sizeof(err)))
		fprintf(stderr, "whyrefused: %s\n", err);
}

void wr_describe_modules(const struct wr_nf_modules *m, struct wr_start_info *s)
{
	int i;

	s->n_modules = 0;
	for (i = 0; i < WR_MOD_MAX; i++) {
		s->modules[s->n_modules].name = wr_nf_mod_names[i];
		s->modules[s->n_modules++].state = wr_mod_state_name(m->state[i]);
	}
}

/*
 * Once a second: a netfilter module that loaded since start gets its
 * verdict hooks (nf_late.c), and an `attach` record says so.
 */
static void nf_modules_tick(struct tracer *t, void *state, struct wr_timer *tm, uint64_t now)
{
	char msg[256];

	if (!t->nf_late || !wr_nf_late_poll(t->nf_late, msg, sizeof(msg)))
		return;
	wr_describe_modules(wr_nf_late_modules(t->nf_late), &t->start);
	wr_switch_record(&t->sw, "attach", msg);
}

const struct wr_enricher wr_job_nf_modules = {
	.name = "nf_modules",
	.tick = nf_modules_tick,
	.every_ms = 1000,
};

/* SIGHUP: logrotate moved the file; what is still queued goes to the new one. */
static void reopen_if_asked(struct tracer *t)
{
	int fd;

	if (!wr_reopen_output)
		return;
	wr_reopen_output = 0;
	if (!t->opts.output)
		return;
	wr_sink_flush(&t->sink);
	fd = wr_open_output(t->opts.output);
	if (fd < 0) {
		fprintf(stderr, "whyrefused: cannot reopen %s: %s (still writing to the old file)\n",
			t->opts.output, strerror(errno));
		return;
	}
	close(t->sink.fd);
	t->sink.fd = fd;
}

/* Each turn: records out without blocking, metrics clients answered. */
static void output_tick(struct tracer *t, void *state, struct wr_timer *tm, uint64_t now)
{
	reopen_if_asked(t);
	wr_sink_flush(&t->sink);
	wr_metrics_serve(&t->msrv, render_metrics, t);
}

const struct wr_enricher wr_job_output = {
	.name = "output",
	.tick = output_tick,
};

/* The textfile is rewritten every --stats-interval (10 s without one), and at exit. */
static void metrics_file_start(struct tracer *t, void *state, struct wr_timer *tm)
{
	/* due_ms is now (every_ms 0 in the table); run() writes the first one. */
	tm->every_ms = t->opts.stats_interval_ms ? t->opts.stats_interval_ms : 10000;
	tm->due_ms = t->opts.metrics_file ? tm->due_ms + tm->every_ms : UINT64_MAX;
}

static void metrics_file_tick(struct tracer *t, void *state, struct wr_timer *tm, uint64_t now)
{
	wr_tracer_write_metrics(t);
}

const struct wr_enricher wr_job_metrics_file = {
	.name = "metrics_file",
	.start = metrics_file_start,
	.tick = metrics_file_tick,
};

static void stats_start(struct tracer *t, void *state, struct wr_timer *tm)
{
	tm->every_ms = t->opts.stats_interval_ms;
	tm->due_ms = tm->every_ms ? tm->due_ms + tm->every_ms : UINT64_MAX;
}

static void stats_tick(struct tracer *t, void *state, struct wr_timer *tm, uint64_t now)
{
	wr_tracer_read_counters(t);
	wr_output_stats(&t->out, &t->stats, false);
}

const struct wr_enricher wr_job_stats = {
	.name = "stats",
	.start = stats_start,
	.tick = stats_tick,
};
