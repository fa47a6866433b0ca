/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Runs a program inside a network namespace and keeps what it printed. */
#ifndef WR_NETNS_EXEC_H
#define WR_NETNS_EXEC_H

#include <stddef.h>

#include "netns.h"

/*
 * Runs argv (looked up in PATH) with its network namespace set to `ns`,
 * stdin and stderr on /dev/null, and copies up to len-1 bytes of its
 * stdout into out (NUL-terminated). Gives up after timeout_ms. Returns its
 * exit status, or -errno / -ETIMEDOUT.
 */
int wr_netns_exec(const struct wr_netns *ns, char *const argv[], char *out, size_t len,
		  int timeout_ms);

#endif /* WR_NETNS_EXEC_H */
