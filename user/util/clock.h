/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The one clock for deadlines, caches and intervals. */
#ifndef WR_CLOCK_H
#define WR_CLOCK_H

#include <time.h>

/* Milliseconds on CLOCK_MONOTONIC (never steps with the wall clock); signed,
 * so that `deadline - wr_now_ms()` may go below zero. */
static inline long long wr_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

#endif /* WR_CLOCK_H */
