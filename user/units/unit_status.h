/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which systemd units should listen on a port, and how they are doing:
 * the I/O half of unit_facts.h. It asks systemd over the system bus
 * (sd-bus), reads the journal (sd-journal) and /etc/services, and runs
 * `/usr/sbin/sshd -T` (a fixed command line, nothing from anywhere else).
 * Where systemd is not PID 1 (containers, other init systems) it says
 * nothing at all, at once.
 *
 * Candidates, in this order, each once: socket units listening on the
 * port; the service whose journal last said it listened there; the
 * services /etc/services names for it (ssh: ssh.service, sshd.service);
 * the unit whose configuration says so (sshd -T). Units systemd does not
 * know (LoadState not-found) are left out.
 *
 * Not thread-safe: its caches are the calling thread's. Call it from one
 * thread only (a slow lane's, slow_lane.h), never from the event loop: a
 * lookup may take timeout_ms.
 */
#ifndef WR_UNIT_STATUS_H
#define WR_UNIT_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "unit_facts.h"

#define WR_UNITS_MAX	4	/* candidates kept per port */

/* Is systemd PID 1 here (sd_booted(): /run/systemd/system is a directory)? */
bool wr_systemd_running(void);

/*
 * Fills out[] with the candidates for TCP port `port` (at most `max`,
 * WR_UNITS_MAX at most); returns how many, 0 when there is none, when
 * systemd is not PID 1, or when nothing could be asked. The whole lookup
 * takes about timeout_ms at most: each D-Bus call gets what is left, the
 * journal is read for a bounded number of entries and time, sshd -T gets
 * 2 s or what is left. Answers are kept 10 s per port; at most 16 ports are
 * looked up per 10 s (a port scan's refusals get nothing: counted by
 * wr_units_skipped()).
 */
int wr_units_for_port(uint16_t port, struct wr_unit_facts *out, size_t max, int timeout_ms);

/* Lookups not made because of the rate bound, or that ran out of time with no unit found, since start. */
uint64_t wr_units_skipped(void);

/*
 * Runs argv (argv[0] an absolute path) with stdin and stderr on /dev/null,
 * no other descriptor of ours, no signal blocked, the environment
 * PATH=/usr/sbin:/usr/bin:/sbin:/bin and LC_ALL=C only, and no capability
 * (no_new_privs). Up to len-1 bytes of its stdout go into out
 * (NUL-terminated). Killed after timeout_ms. Returns its exit status (126:
 * it could not be set up), -EINVAL for a relative path, -ETIMEDOUT, or
 * -errno. How sshd -T runs.
 */
int wr_run_fixed(char *const argv[], char *out, size_t len, int timeout_ms);

#endif /* WR_UNIT_STATUS_H */
