/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef WR_PRIVILEGES_H
#define WR_PRIVILEGES_H

#include <stddef.h>

/*
 * Checks the effective capabilities the tracer needs (CAP_BPF and
 * CAP_PERFMON, or CAP_SYS_ADMIN; and CAP_NET_ADMIN). Returns 0, or -1 with
 * the missing ones named in `missing` ("CAP_BPF CAP_NET_ADMIN").
 */
int wr_check_capabilities(char *missing, size_t len);

#endif /* WR_PRIVILEGES_H */
