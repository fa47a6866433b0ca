/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * How the processes that listened ended (bpf/proc_ends.bpf.c): exit status,
 * the signal that killed them and its sender, the OOM killer, or an exec.
 * The last WR_PROC_ENDS_MAX are kept; a listener's stop is matched to its
 * process's end by pid and time. Pure.
 */
#ifndef WR_PROC_ENDS_H
#define WR_PROC_ENDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "listener.h"

#define WR_PROC_ENDS_MAX 512

enum wr_end_how {
	WR_END_NONE = 0,
	WR_END_EXIT,		/* exit(status) */
	WR_END_SIGNAL,		/* killed by a signal */
	WR_END_OOM,		/* killed by the OOM killer */
	WR_END_EXEC,		/* became another program */
	WR_END_CLOSED,		/* still runs: closed the socket */
};

struct wr_proc_end {
	struct timespec ts;	/* wall clock */
	uint32_t pid;
	enum wr_end_how how;
	int status;		/* WR_END_EXIT */
	int signal;		/* WR_END_SIGNAL/OOM: the fatal one; EXIT: one sent just before */
	bool core_dumped;
	bool by_known;		/* who sent `signal` */
	uint32_t by_pid, by_uid;
	char by_comm[WR_COMM_MAX];
	char comm[WR_COMM_MAX];	/* WR_END_EXEC: the new program */
};

struct wr_proc_ends {
	struct wr_proc_end v[WR_PROC_ENDS_MAX];
	size_t n, next;
};

/* From the kernel's exit code, OOM flag and last signal note (real times). */
void wr_proc_end_from_exit(struct wr_proc_end *e, uint32_t exit_code, bool oom,
			   const struct timespec *signal_ts);
void wr_proc_ends_add(struct wr_proc_ends *s, const struct wr_proc_end *e);
/*
 * The end of process `pid` that stopped its listener between `after` (zero:
 * just before `at`) and `at`: the latest within that window, or NULL.
 */
const struct wr_proc_end *wr_proc_ends_find(const struct wr_proc_ends *s, uint32_t pid,
					    const struct timespec *after,
					    const struct timespec *at);
/* "SIGTERM"; "signal 40" beyond the classic ones. */
const char *wr_signal_name(int sig, char *buf, size_t len);
/* "exit", "signal", "oom", "exec", "closed" */
const char *wr_end_how_name(enum wr_end_how how);
/*
 * What happened, as the verb phrase of a hint: "was killed by SIGKILL from
 * the OOM killer", "crashed: SIGSEGV, core dumped", "exited with status 255
 * after SIGTERM from kill (pid 990, uid 0)", "was replaced by sleep (exec)".
 */
void wr_proc_end_describe(const struct wr_proc_end *e, char *buf, size_t len);

#endif /* WR_PROC_ENDS_H */
