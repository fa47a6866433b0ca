/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The systemd unit a process runs in, from its cgroup path: the last
 * `*.service` of the systemd hierarchy (cgroup v2's "0::", or v1's
 * "name=systemd"), e.g. /system.slice/ssh.service -> ssh.service. Pure.
 */
#ifndef WR_UNITS_H
#define WR_UNITS_H

#include <stdbool.h>
#include <stddef.h>

/* From /proc/PID/cgroup's text; false when the process is in no service unit. */
bool wr_unit_from_cgroup(const char *cgroup, char *unit, size_t len);

#endif /* WR_UNITS_H */
