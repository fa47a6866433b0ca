/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Counters from /proc/net/netstat ("TcpExt: ListenOverflows ..." header/value line pairs). */
#ifndef WR_NETSTAT_H
#define WR_NETSTAT_H

#include <stdint.h>

/* Value of `group`'s counter `name` in netstat text, or -1 if absent. */
int64_t wr_netstat_value(const char *text, const char *group, const char *name);

#endif /* WR_NETSTAT_H */
