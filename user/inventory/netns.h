/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Network namespaces on this host: found in /run/netns (named, as `ip netns`
 * makes them) and /proc/PID/ns/net (every process), named for people, and
 * entered long enough to open a socket inside.
 */
#ifndef WR_NETNS_H
#define WR_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wr_netns {
	uint32_t inode;
	uint64_t dev;		/* nsfs's device: an inode number is unique only there */
	char name[64];		/* /run/netns name, "" if none */
	uint32_t pid;		/* a process inside, 0 if none */
	char comm[16];		/* that process's name */
	char path[96];		/* what to open to enter it */
};

struct wr_netns_list {
	struct wr_netns *v;
	size_t n;
	size_t cap;
	uint64_t last_rescan_ms;	/* wr_netns_lookup's rescan on a miss: at most 1/s */
	uint64_t rescans;
};

/*
 * Lists every namespace anew. 0, or -errno when /run/netns or /proc could
 * not be read (e.g. EMFILE): then the list is left as it was, since a
 * namespace missing from a partial scan is not a namespace that is gone.
 */
int wr_netns_scan(struct wr_netns_list *l);
/*
 * --netns: "blue" (/run/netns/blue), "/proc/123/ns/net" (any path to a
 * namespace file) or "4026532177" (an inode). 0, or -1 with `err`.
 */
int wr_netns_resolve(const char *spec, uint32_t *inode, char *err, size_t errlen);
void wr_netns_list_free(struct wr_netns_list *l);
const struct wr_netns *wr_netns_find(const struct wr_netns_list *l, uint32_t inode);
/* wr_netns_find, and if it is not known yet, a rescan (it may be new). */
const struct wr_netns *wr_netns_lookup(struct wr_netns_list *l, uint32_t inode);
/* "netns 4026532300 (/run/netns/web)" or "netns 4026532300 (pid 1234 nginx)" */
void wr_netns_label(const struct wr_netns_list *l, uint32_t inode, char *buf, size_t len);
uint32_t wr_netns_self(void);
struct wr_container;
/* The container whose namespace `inode` is (containers.c), or false. */
bool wr_netns_container(const struct wr_netns_list *l, uint32_t inode, struct wr_container *c);
/*
 * An O_CLOEXEC descriptor of `ns` itself. Its path was named by someone
 * else's pid (or /run/netns name) and may lead elsewhere by now: the file
 * opened is checked by inode and device, and where it is another namespace,
 * or none, `ns` is looked for again by inode (/run/netns, /proc/PID/ns/net).
 * -ENOENT when nothing holds it any more, other -errno (EMFILE...) when
 * it could not be looked for.
 */
int wr_netns_fd(const struct wr_netns *ns);
/* How many times a namespace was looked for again in /run/netns and /proc. */
uint64_t wr_netns_walks(void);
/*
 * Does a failure to enter a namespace (-errno from the calls below) mean
 * that it is gone, its listeners stopped? Only for ENOENT, ESRCH and ESTALE
 * (another namespace behind its path); EMFILE, ENOMEM, EPERM... tell
 * nothing about it.
 */
bool wr_netns_gone(int err);
/* Runs fn(arg) inside `ns` and comes back (single-threaded callers); its result. */
int wr_netns_call(const struct wr_netns *ns, int (*fn)(const void *), const void *arg);
/* socket(domain, type, protocol) created inside `ns`; -errno on failure. */
int wr_netns_socket(const struct wr_netns *ns, int domain, int type, int protocol);
/* The name of interface `ifindex` inside `ns` ("eth1"); 0, or -errno. */
int wr_netns_ifname(const struct wr_netns *ns, uint32_t ifindex, char *buf, size_t len);
/* Opens `path` (e.g. /proc/thread-self/net/netstat) as seen inside `ns`. */
int wr_netns_open(const struct wr_netns *ns, const char *path);
/* Reads `path` inside `ns` whole (up to len - 1 bytes, NUL-terminated): its length, 0 if unread. */
size_t wr_netns_read(const struct wr_netns *ns, const char *path, char *buf, size_t len);

#endif /* WR_NETNS_H */
