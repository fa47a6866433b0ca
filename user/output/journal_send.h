/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --journal: records to systemd-journald with libsystemd's sd_journal_sendv
 * (journal_send.c); the static build has no libsystemd (journal_send_none.c).
 * A send is one datagram to journald's socket: if journald stalls and its
 * socket buffer fills, the send waits for it, as every service's logging does.
 */
#ifndef WR_JOURNAL_SEND_H
#define WR_JOURNAL_SEND_H

#include <stddef.h>

#include "journal_fields.h"

/*
 * Can records go to the journal? 0: yes. -ENOSYS: this build cannot (err
 * says so); -ENOENT: no journald listens here (err says where it looked).
 */
int wr_journal_check(char *err, size_t errlen);
/* 0, or -errno. */
int wr_journal_send(const struct wr_journal_entry *e);

#endif /* WR_JOURNAL_SEND_H */
