// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * How a process that listened ended: its exit status or the signal that
 * killed it (core dumped or not), who sent that signal, whether the OOM
 * killer chose it, or that it exec'd another program. Only processes in
 * `listen_owners` (filled at listen() and by the loader from its dumps)
 * are looked at: one hash lookup per signal, exit or exec on the host,
 * nothing per packet or per connection.
 */
#include "syn.bpf.h"

/* Signals whose default action ends a process (1-31, less CHLD, CONT, STOP, TSTP, TTIN, TTOU, URG, WINCH). */
#define WR_SIG_HARMLESS ((1u << 17) | (1u << 18) | (1u << 19) | (1u << 20) | (1u << 21) | \
			 (1u << 22) | (1u << 23) | (1u << 28))
#define WR_TRACE_SIGNAL_IGNORED 1
#define WR_TRACE_SIGNAL_OVERFLOW_FAIL 3

/* signal_generate(sig, info, task, group, result): who sent what to a listener's process. */
SEC("raw_tp/signal_generate")
int signal_generate_owner(struct bpf_raw_tracepoint_args *ctx)
{
	int sig = (int)ctx->args[0];
	struct task_struct *task = (struct task_struct *)ctx->args[2];
	int result = (int)ctx->args[4];
	struct wr_signal_note note = {};
	__u32 tgid;

	if (sig <= 0 || sig > 31 || (WR_SIG_HARMLESS & (1u << sig)) ||
	    result == WR_TRACE_SIGNAL_IGNORED || result == WR_TRACE_SIGNAL_OVERFLOW_FAIL)
		return 0;
	tgid = BPF_CORE_READ(task, tgid);
	if (!bpf_map_lookup_elem(&listen_owners, &tgid))
		return 0;
	note.ts_ns = bpf_ktime_get_ns();
	note.sender_pid = bpf_get_current_pid_tgid() >> 32;
	note.sender_uid = (__u32)bpf_get_current_uid_gid();
	note.signal = (__u32)sig;
	bpf_get_current_comm(note.sender_comm, sizeof(note.sender_comm));
	bpf_map_update_elem(&signal_notes, &tgid, &note, BPF_ANY);
	return 0;
}

static __always_inline void wr_proc_event(__u8 kind, __u32 tgid, struct task_struct *task)
{
	struct wr_signal_note *note = bpf_map_lookup_elem(&signal_notes, &tgid);
	struct wr_proc_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		wr_count(WR_CNT_PROC_LOST);
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.kind = kind;
	e->pid = tgid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (kind == WR_EV_PROC_END) {
		e->exit_code = (__u32)BPF_CORE_READ(task, exit_code);
		e->oom = BPF_CORE_READ(task, signal, oom_mm) != NULL;
	}
	if (note) {
		e->note = *note;
		e->has_note = 1;
	}
	bpf_ringbuf_submit(e, 0);
}

/*
 * sched_process_exit(task, ...): runs in do_exit() after exit_code is set
 * and before the files close, so before the listener's own LISTEN -> CLOSE.
 * Only the last thread of the process tells: its exit code is the group's.
 */
SEC("raw_tp/sched_process_exit")
int sched_process_exit_owner(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx->args[0];
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (!bpf_map_lookup_elem(&listen_owners, &tgid) ||
	    BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	wr_proc_event(WR_EV_PROC_END, tgid, task);
	bpf_map_delete_elem(&listen_owners, &tgid);
	bpf_map_delete_elem(&signal_notes, &tgid);
	return 0;
}

/* sched_process_exec(task, old_pid, bprm): a listener's process became another program. */
SEC("raw_tp/sched_process_exec")
int sched_process_exec_owner(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx->args[0];
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (!bpf_map_lookup_elem(&listen_owners, &tgid))
		return 0;
	wr_proc_event(WR_EV_PROC_EXEC, tgid, task);
	return 0;
}
