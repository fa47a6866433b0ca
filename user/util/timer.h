/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The one timer of the main loop's jobs (enricher.h): an interval and when it is next due. */
#ifndef WR_TIMER_H
#define WR_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/* Due when `due_ms` (clock.h's clock) is reached; every_ms 0 is each turn of the loop. */
struct wr_timer {
	uint64_t every_ms;
	uint64_t due_ms;	/* UINT64_MAX: never */
};

/*
 * Due at `now`: true, and the next time set. After a stall the next is one
 * interval from now, never a burst of catch-up runs.
 */
static inline bool wr_timer_due(struct wr_timer *tm, uint64_t now)
{
	if (now < tm->due_ms)
		return false;
	tm->due_ms += tm->every_ms;
	if (tm->due_ms <= now)
		tm->due_ms = now + tm->every_ms;
	return true;
}

#endif /* WR_TIMER_H */
