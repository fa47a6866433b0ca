// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "proc_ends.h"

#include <stdio.h>
#include <string.h>

/* A signal sent this long before an exit is why it exited ("after SIGTERM from ..."). */
#define SIGNAL_BEFORE_EXIT_S 10
/* A stop and the process end that caused it: the kernel tells both within microseconds. */
#define MATCH_SLACK_S 2

void wr_proc_end_from_exit(struct wr_proc_end *e, uint32_t exit_code, bool oom,
			   const struct timespec *signal_ts)
{
	int sig = (int)(exit_code & 0x7f);
	int sent = e->by_known ? e->signal : 0;

	if (!sig) {
		e->how = WR_END_EXIT;
		e->status = (int)((exit_code >> 8) & 0xff);
		/* An old signal is not why it exited now. */
		if (sent && signal_ts && e->ts.tv_sec - signal_ts->tv_sec > SIGNAL_BEFORE_EXIT_S)
			e->by_known = false;
		e->signal = e->by_known ? sent : 0;
		return;
	}
	e->how = oom ? WR_END_OOM : WR_END_SIGNAL;
	e->signal = sig;
	e->core_dumped = exit_code & 0x80;
	/* The note is about another signal: the sender of this one is not known. */
	if (sent != sig)
		e->by_known = false;
}

void wr_proc_ends_add(struct wr_proc_ends *s, const struct wr_proc_end *e)
{
	s->v[s->next] = *e;
	s->next = (s->next + 1) % WR_PROC_ENDS_MAX;
	if (s->n < WR_PROC_ENDS_MAX)
		s->n++;
}

const struct wr_proc_end *wr_proc_ends_find(const struct wr_proc_ends *s, uint32_t pid,
					    const struct timespec *after,
					    const struct timespec *at)
{
	time_t from = (after && after->tv_sec ? after->tv_sec : at->tv_sec) - MATCH_SLACK_S;
	const struct wr_proc_end *best = NULL;

	for (size_t i = 0; i < s->n; i++) {
		const struct wr_proc_end *e = &s->v[i];

		if (e->pid != pid || e->ts.tv_sec < from || e->ts.tv_sec > at->tv_sec + MATCH_SLACK_S)
			continue;
		if (!best || e->ts.tv_sec > best->ts.tv_sec ||
		    (e->ts.tv_sec == best->ts.tv_sec && e->ts.tv_nsec > best->ts.tv_nsec))
			best = e;
	}
	return best;
}

const char *wr_signal_name(int sig, char *buf, size_t len)
{
	static const char *const names[] = {
		[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP",
		[6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1",
		[11] = "SIGSEGV", [12] = "SIGUSR2", [13] = "SIGPIPE", [14] = "SIGALRM",
		[15] = "SIGTERM", [16] = "SIGSTKFLT", [24] = "SIGXCPU", [25] = "SIGXFSZ",
		[26] = "SIGVTALRM", [27] = "SIGPROF", [29] = "SIGIO", [30] = "SIGPWR", [31] = "SIGSYS",
	};

	if (sig > 0 && (size_t)sig < sizeof(names) / sizeof(names[0]) && names[sig])
		return names[sig];
	snprintf(buf, len, "signal %d", sig);
	return buf;
}

const char *wr_end_how_name(enum wr_end_how how)
{
	switch (how) {
	case WR_END_EXIT: return "exit";
	case WR_END_SIGNAL: return "signal";
	case WR_END_OOM: return "oom";
	case WR_END_EXEC: return "exec";
	case WR_END_CLOSED: return "closed";
	default: return "unknown";
	}
}

/* A signal the process brings on itself by faulting or aborting: a crash. */
static bool is_crash(int sig)
{
	return sig == 4 || sig == 5 || sig == 6 || sig == 7 || sig == 8 || sig == 11 || sig == 31;
}

void wr_proc_end_describe(const struct wr_proc_end *e, char *buf, size_t len)
{
	char sb[16], from[64] = "";
	const char *sig = wr_signal_name(e->signal, sb, sizeof(sb));
	bool self = e->by_known && e->by_pid == e->pid;

	if (e->by_known && !self)
		snprintf(from, sizeof(from), " from %s (pid %u, uid %u)", e->by_comm, e->by_pid,
			 e->by_uid);
	switch (e->how) {
	case WR_END_OOM:
		snprintf(buf, len, "was killed by %s from the OOM killer", sig);
		break;
	case WR_END_SIGNAL:
		if (is_crash(e->signal) && (self || !e->by_known))
			snprintf(buf, len, "crashed: %s%s", sig,
				 e->core_dumped ? ", core dumped" : "");
		else
			snprintf(buf, len, "was killed by %s%s%s", sig, from,
				 e->core_dumped ? ", core dumped" : "");
		break;
	case WR_END_EXIT:
		if (e->signal && e->by_known)
			snprintf(buf, len, "exited with status %d after %s%s", e->status, sig, from);
		else
			snprintf(buf, len, "exited with status %d", e->status);
		break;
	case WR_END_EXEC:
		snprintf(buf, len, "was replaced by %s (exec)", e->comm);
		break;
	case WR_END_CLOSED:
		snprintf(buf, len, "closed its socket and still runs");
		break;
	default:
		snprintf(buf, len, "stopped");
	}
}
