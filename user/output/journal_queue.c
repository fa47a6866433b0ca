// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "journal_queue.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct wr_journal_queue {
	pthread_mutex_t lock;
	pthread_cond_t more, less;	/* an entry was put; one was sent */
	pthread_t thread;
	wr_journal_send_fn send;
	struct wr_journal_entry *slots;
	unsigned n_slots, head, count;	/* the entry at head is being sent while count > 0 */
	bool stopping;
	struct wr_journal_counts c;	/* pending is `count` */
};

/* An entry's fields point into its own buffer: copied, they point into the copy. */
static void copy_entry(struct wr_journal_entry *dst, const struct wr_journal_entry *src)
{
	size_t i;

	memcpy(dst->buf, src->buf, src->used);
	dst->used = src->used;
	dst->n = src->n;
	dst->left_out = src->left_out;
	for (i = 0; i < src->n; i++) {
		size_t off = (size_t)((const char *)src->iov[i].iov_base - src->buf);

		dst->iov[i].iov_base = dst->buf + off;
		dst->iov[i].iov_len = src->iov[i].iov_len;
	}
}

static void *sender(void *arg)
{
	struct wr_journal_queue *q = arg;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->count && !q->stopping)
			pthread_cond_wait(&q->more, &q->lock);
		if (!q->count)
			break;
		/* The head slot is ours until count drops: the loop fills others. */
		pthread_mutex_unlock(&q->lock);
		int rc = q->send(&q->slots[q->head]);
		pthread_mutex_lock(&q->lock);
		if (rc)
			q->c.write_errors++;
		else
			q->c.written++;
		q->head = (q->head + 1) % q->n_slots;
		q->count--;
		pthread_cond_broadcast(&q->less);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

struct wr_journal_queue *wr_journal_queue_new(wr_journal_send_fn send, unsigned slots)
{
	struct wr_journal_queue *q = calloc(1, sizeof(*q));
	sigset_t all, old;
	int err;

	if (!q || !slots)
		goto fail;
	q->slots = malloc(sizeof(*q->slots) * slots);	/* pages touched only as used */
	if (!q->slots)
		goto fail;
	q->send = send;
	q->n_slots = slots;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->more, NULL);
	pthread_cond_init(&q->less, NULL);
	/* Signals are the loop's (SIGINT, SIGHUP): the thread takes none. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&q->thread, NULL, sender, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!err)
		return q;
fail:
	if (q)
		free(q->slots);
	free(q);
	return NULL;
}

bool wr_journal_queue_put(struct wr_journal_queue *q, const struct wr_journal_entry *e)
{
	bool ok = false;

	pthread_mutex_lock(&q->lock);
	if (q->count < q->n_slots && !q->stopping) {
		copy_entry(&q->slots[(q->head + q->count) % q->n_slots], e);
		q->count++;
		ok = true;
		pthread_cond_signal(&q->more);
	} else {
		q->c.dropped++;
	}
	pthread_mutex_unlock(&q->lock);
	return ok;
}

void wr_journal_queue_counts(struct wr_journal_queue *q, struct wr_journal_counts *c)
{
	pthread_mutex_lock(&q->lock);
	*c = q->c;
	c->pending = q->count;
	pthread_mutex_unlock(&q->lock);
}

bool wr_journal_queue_drain(struct wr_journal_queue *q, int timeout_ms)
{
	struct timespec until;
	bool empty;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);	/* pthread_cond_timedwait's clock */
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&q->lock);
	while (q->count && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&q->less, &q->lock, &until);
	empty = !q->count;
	pthread_mutex_unlock(&q->lock);
	return empty;
}

void wr_journal_queue_free(struct wr_journal_queue *q, int timeout_ms)
{
	if (!q)
		return;
	if (!wr_journal_queue_drain(q, timeout_ms))
		return;	/* the thread is inside a send that may never return: left as it is */
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	pthread_cond_destroy(&q->more);
	pthread_cond_destroy(&q->less);
	pthread_mutex_destroy(&q->lock);
	free(q->slots);
	free(q);
}
