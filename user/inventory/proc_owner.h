/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Which process holds a socket: /proc/PID/fd links to socket:[INODE], as ss -p finds it. */
#ifndef WR_PROC_OWNER_H
#define WR_PROC_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "listener.h"

/*
 * Fills pid and comm for socket inode `inode`. A cache of the last scan of
 * /proc answers; a miss rescans, at most once per second. 0 or -ENOENT.
 */
int wr_owner_lookup(uint32_t inode, uint32_t *pid, char *comm, size_t len);
void wr_owner_cache_free(void);
/*
 * What the owner of `l` (l->pid, l->comm) is, read while it runs: its
 * systemd unit, and the container it publishes the port for (podman's
 * conmon). A stop is then told by what the process was.
 */
void wr_owner_details(struct wr_listener *l);
/* Does a /proc/PID/stat line say running (not a zombie, not dead)? */
bool wr_stat_running(const char *stat);
/* Is process `pid` running (not gone, not a zombie waiting for its parent)? */
bool wr_process_running(uint32_t pid);

#endif /* WR_PROC_OWNER_H */
