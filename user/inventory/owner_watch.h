/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kernel watches the ends of processes that listen (bpf/proc_ends.bpf.c,
 * map `listen_owners`). listen() adds a process itself; owners found in
 * /proc for sock_diag's listeners (what listened before we started,
 * the default mode's polls) are added from here, once each, as they are found.
 */
#ifndef WR_OWNER_WATCH_H
#define WR_OWNER_WATCH_H

#include <stdint.h>

/* The map to add to; -1 (the default): the kernel watches no ends. */
void wr_owner_watch_init(int map_fd);
/* Watch the end of process `pid`. A full map only means some ends go untold. */
void wr_owner_watch(uint32_t pid);

#endif /* WR_OWNER_WATCH_H */
