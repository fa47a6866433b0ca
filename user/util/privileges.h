/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef WR_PRIVILEGES_H
#define WR_PRIVILEGES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Checks the effective capabilities the tracer needs (CAP_BPF and
 * CAP_PERFMON, or CAP_SYS_ADMIN; and CAP_NET_ADMIN). Returns 0, or -1 with
 * the missing ones named in `missing` ("CAP_BPF CAP_NET_ADMIN").
 */
int wr_check_capabilities(char *missing, size_t len);

/*
 * Once attached, keeps only what the tracer still uses: CAP_SYS_ADMIN
 * (setns into each network namespace for sock_diag and nft), CAP_NET_ADMIN
 * and CAP_NET_RAW (nft tracing tables, iptables-legacy-save), CAP_SYS_PTRACE
 * and CAP_DAC_READ_SEARCH (socket owners in /proc/PID/fd), CAP_DAC_OVERRIDE
 * (reopening --output after logrotate), CAP_SYSLOG (addresses in
 * /proc/kallsyms: which function freed a SYN). Everything else, CAP_BPF and
 * CAP_PERFMON included, leaves the effective, permitted, inheritable and
 * bounding sets, so the programs it runs get no more either.
 * Returns 0, or -1 with `err` set.
 */
int wr_drop_capabilities(char *err, size_t len);

/*
 * For a forked helper about to exec (nft, iptables): no_new_privs, then
 * every capability not in `keep` (a mask of 1 << CAP_*) leaves the
 * effective and permitted sets, all of them the inheritable and ambient
 * sets, and the bounding set too where CAP_SETPCAP is still ours. A root
 * exec then gets `keep` at most: no_new_privs caps it at the permitted set.
 * Async-signal-safe (raw syscalls only). 0, or -errno.
 */
int wr_limit_capabilities(uint64_t keep);

#endif /* WR_PRIVILEGES_H */
