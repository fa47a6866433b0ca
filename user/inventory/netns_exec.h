/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Runs a program inside a network namespace and keeps what it printed. */
#ifndef WR_NETNS_EXEC_H
#define WR_NETNS_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "netns.h"

/* The only PATH a helper sees, and where a bare program name is looked up. */
#define WR_EXEC_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * The absolute path argv[0] runs from: itself if absolute, else the first
 * executable regular file of that name in WR_EXEC_PATH (never the caller's
 * PATH, never the current directory). 0; -EINVAL for an empty or relative
 * name with a '/', -ENOENT if none is found, -EACCES if it cannot be run.
 */
int wr_exec_resolve(const char *name, char *path, size_t len);

/*
 * Runs argv (argv[0] found by wr_exec_resolve) with its network namespace
 * set to `ns` (wr_netns_fd: checked by inode), stdin and stderr on
 * /dev/null, no other descriptor of ours, the environment PATH=WR_EXEC_PATH
 * and LC_ALL=C only, and CAP_NET_ADMIN and CAP_NET_RAW as its only
 * capabilities (no_new_privs: it cannot gain more). Copies up to len-1
 * bytes of its stdout into out (NUL-terminated). Gives up after
 * timeout_ms. Returns its exit status (126: it could not be set up), or
 * -errno / -ETIMEDOUT (wr_netns_gone() says whether `ns` is gone).
 */
int wr_netns_exec(const struct wr_netns *ns, char *const argv[], char *out, size_t len,
		  int timeout_ms);
/*
 * What wr_netns_exec and unit_status.c's sshd -T share: runs `path` with
 * argv as described above, inside the namespace of nsfd (-1: ours), with
 * only the capabilities in the mask `caps` (1ULL << CAP_*; 0: none).
 */
int wr_run_helper(int nsfd, uint64_t caps, const char *path, char *const argv[], char *out,
		  size_t len, int timeout_ms);

#endif /* WR_NETNS_EXEC_H */
