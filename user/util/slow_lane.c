// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "slow_lane.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>


/*
 * Refusals waiting for a lane (12.5 KB each, pages touched as used). Most
 * are done in microseconds (a cached answer, a rate-limit answer): 128
 * holds a port scan's burst from one ring-buffer read while a slow
 * namespace's listing runs.
 */
#define SLOTS		128
#define TICK_MS		100	/* ops->tick at least this often (trace messages) */

struct job {
	struct wr_refusal r;
	struct wr_netns ns;
	bool has_ns;
	char location[64];	/* r.location's own copy: the symbol cache may evict it */
};

/*
 * A ring: [head, mid) done and waiting to be collected, [mid, tail) queued
 * for the thread, which works on slot mid. Indices are guarded by `lock`;
 * a slot's contents belong to whoever the indices give it to.
 */
struct wr_lane {
	const struct wr_lane_ops *ops;
	void *state;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	uint64_t head, mid, tail;
	uint64_t skipped;
	struct job slot[SLOTS];
};

static struct timespec deadline_in(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

static void *lane_main(void *arg)
{
	struct wr_lane *l = arg;

	pthread_mutex_lock(&l->lock);
	while (!l->stop) {
		if (l->mid == l->tail) {
			struct timespec until = deadline_in(TICK_MS);

			pthread_cond_timedwait(&l->wake, &l->lock, &until);
			pthread_mutex_unlock(&l->lock);
			if (l->ops->tick)
				l->ops->tick(l->state);
			pthread_mutex_lock(&l->lock);
			continue;
		}
		struct job *j = &l->slot[l->mid % SLOTS];

		pthread_mutex_unlock(&l->lock);
		l->ops->run(l->state, j->has_ns ? &j->ns : NULL, &j->r);
		pthread_mutex_lock(&l->lock);
		l->mid++;
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

/*
 * A lane is 2.3 MB, mostly slots that fill only as refusals queue: mapped
 * rather than calloc'd, its pages cost nothing until used (calloc from a
 * heap that held the start's BTF parses would zero, and so touch, all).
 */
static struct wr_lane *lane_alloc(void)
{
	void *p = mmap(NULL, sizeof(struct wr_lane), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

struct wr_lane *wr_lane_new(const struct wr_lane_ops *ops, void *state)
{
	struct wr_lane *l = lane_alloc();
	sigset_t all, old;
	pthread_condattr_t ca;
	int err = 0;

	if (!l) {
		if (state)
			ops->free(state);
		return NULL;
	}
	l->ops = ops;
	l->state = state;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (state && !pthread_mutex_init(&l->lock, NULL) && !pthread_cond_init(&l->wake, &ca)) {
		/* Signals are the loop's (SIGINT, SIGHUP...): the thread starts with all blocked. */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		err = pthread_create(&l->thread, NULL, lane_main, l);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	} else {
		err = -1;
	}
	if (err) {
		pthread_condattr_destroy(&ca);
		if (state)
			ops->free(state);
		munmap(l, sizeof(*l));
		return NULL;
	}
	pthread_condattr_destroy(&ca);
	return l;
}

bool wr_lane_submit(struct wr_lane *l, struct wr_refusal *r, const struct wr_netns *ns)
{
	struct job *j;

	if (!l || !l->ops->wants(r))
		return false;
	pthread_mutex_lock(&l->lock);
	if (l->tail - l->head == SLOTS) {
		l->skipped++;	/* the loop's own field: it alone submits and reads it */
		pthread_mutex_unlock(&l->lock);
		l->ops->skip(r, false);
		return false;
	}
	j = &l->slot[l->tail % SLOTS];
	pthread_mutex_unlock(&l->lock);
	/* Slot tail is ours until tail moves past it. */
	j->r = *r;
	j->has_ns = ns != NULL;
	if (ns)
		j->ns = *ns;
	snprintf(j->location, sizeof(j->location), "%s", r->location ? r->location : "");
	j->r.location = r->location ? j->location : NULL;
	pthread_mutex_lock(&l->lock);
	l->tail++;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
	return true;
}

void wr_lane_collect(struct wr_lane *l, wr_lane_done_fn done, void *arg)
{
	uint64_t head, mid;

	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	head = l->head;
	mid = l->mid;
	pthread_mutex_unlock(&l->lock);
	/* [head, mid) is ours: the thread only touches slots from mid on. */
	for (; head < mid; head++) {
		done(arg, &l->slot[head % SLOTS].r);
		pthread_mutex_lock(&l->lock);
		l->head = head + 1;
		pthread_mutex_unlock(&l->lock);
	}
}

uint64_t wr_lane_skipped(const struct wr_lane *l)
{
	return l ? l->skipped : 0;
}

static bool idle(struct wr_lane *l)
{
	bool empty;

	pthread_mutex_lock(&l->lock);
	empty = l->head == l->tail;
	pthread_mutex_unlock(&l->lock);
	return empty;
}

void wr_lane_free(struct wr_lane *l, int timeout_ms, wr_lane_done_fn done, void *arg)
{
	struct timespec until = deadline_in(timeout_ms), now, nap = { 0, 10 * 1000000 };

	if (!l)
		return;
	for (;;) {
		if (done)
			wr_lane_collect(l, done, arg);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (idle(l) || now.tv_sec > until.tv_sec ||
		    (now.tv_sec == until.tv_sec && now.tv_nsec >= until.tv_nsec))
			break;
		nanosleep(&nap, NULL);
	}
	pthread_mutex_lock(&l->lock);
	l->stop = true;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
	/* Bounded: a helper the thread runs is killed at its own timeout. */
	pthread_join(l->thread, NULL);
	if (done) {
		wr_lane_collect(l, done, arg);
		for (; l->head < l->tail; l->head++) {
			struct wr_refusal *r = &l->slot[l->head % SLOTS].r;

			l->ops->skip(r, true);
			done(arg, r);
		}
	}
	l->ops->free(l->state);
	pthread_cond_destroy(&l->wake);
	pthread_mutex_destroy(&l->lock);
	munmap(l, sizeof(*l));
}
