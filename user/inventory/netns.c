// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdint.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "containers.h"
#include "grow.h"

static int add(struct wr_netns_list *l, const struct wr_netns *ns)
{
	if (wr_netns_find(l, ns->inode))
		return 0;
	if (wr_grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v)))
		return -ENOMEM;
	l->v[l->n++] = *ns;
	return 0;
}

static void read_comm(uint32_t pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	comm[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, (int)len, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

/* A process that exited, or one we may not look into: no namespace of its own to list. */
static bool skip_pid(int err)
{
	return err == ENOENT || err == ESRCH || err == EACCES || err == EPERM;
}

/* Every namespace into `l` (empty on entry); 0 or -errno. */
static int scan_into(struct wr_netns_list *l)
{
	struct dirent *de;
	struct wr_netns ns;
	struct stat st;
	int err = 0;
	DIR *d;

	d = opendir("/run/netns");
	if (!d && errno != ENOENT)	/* none made by `ip netns` yet */
		return -errno;
	while (d) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			err = -errno;
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		memset(&ns, 0, sizeof(ns));
		snprintf(ns.path, sizeof(ns.path), "/run/netns/%s", de->d_name);
		if (stat(ns.path, &st))
			continue;	/* deleted meanwhile, or not a namespace */
		ns.inode = (uint32_t)st.st_ino;
		ns.dev = (uint64_t)st.st_dev;
		snprintf(ns.name, sizeof(ns.name), "%s", de->d_name);
		err = add(l, &ns);
		if (err)
			break;
	}
	if (d)
		closedir(d);
	if (err)
		return err;
	d = opendir("/proc");
	if (!d)
		return -errno;
	for (;;) {
		struct wr_netns *known;
		unsigned long pid;
		char *end;

		errno = 0;
		de = readdir(d);
		if (!de) {
			err = -errno;
			break;
		}
		pid = strtoul(de->d_name, &end, 10);
		if (*end || !pid)
			continue;
		memset(&ns, 0, sizeof(ns));
		snprintf(ns.path, sizeof(ns.path), "/proc/%lu/ns/net", pid);
		if (stat(ns.path, &st)) {
			if (skip_pid(errno))
				continue;	/* exited, or a zombie */
			err = -errno;
			break;
		}
		ns.inode = (uint32_t)st.st_ino;
		ns.dev = (uint64_t)st.st_dev;
		known = (struct wr_netns *)wr_netns_find(l, ns.inode);
		if (known) {
			if (!known->pid) {
				known->pid = (uint32_t)pid;
				read_comm(known->pid, known->comm, sizeof(known->comm));
			}
			continue;
		}
		ns.pid = (uint32_t)pid;
		read_comm(ns.pid, ns.comm, sizeof(ns.comm));
		err = add(l, &ns);
		if (err)
			break;
	}
	closedir(d);
	return err;
}

int wr_netns_scan(struct wr_netns_list *l)
{
	struct wr_netns_list fresh = { 0 };
	int err = scan_into(&fresh);

	/* Into the same array where it fits, as a scan always did: no memory moves under a caller. */
	if (!err && fresh.n > l->cap) {
		free(l->v);
		l->v = fresh.v;
		l->n = fresh.n;
		l->cap = fresh.cap;
		return 0;
	}
	if (!err) {
		if (fresh.n)
			memcpy(l->v, fresh.v, fresh.n * sizeof(*l->v));
		l->n = fresh.n;
	}
	wr_netns_list_free(&fresh);
	return err;
}

void wr_netns_list_free(struct wr_netns_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const struct wr_netns *wr_netns_find(const struct wr_netns_list *l, uint32_t inode)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].inode == inode)
			return &l->v[i];
	return NULL;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * A miss may be a namespace made since the last scan: rescan, but at most
 * once a second. A namespace no scan finds (kept by a descriptor, its
 * processes gone) would otherwise cost a /proc walk per refusal from it.
 */
const struct wr_netns *wr_netns_lookup(struct wr_netns_list *l, uint32_t inode)
{
	const struct wr_netns *ns = wr_netns_find(l, inode);
	uint64_t now = mono_ms();

	if (ns || (l->rescans && now - l->last_rescan_ms < 1000))
		return ns;
	l->last_rescan_ms = now;
	l->rescans++;
	return wr_netns_scan(l) ? NULL : wr_netns_find(l, inode);
}

/*
 * Is ns->pid still a process inside `ns`? The scan saw it there, but pids
 * are reused: another process's container or name must not name it.
 */
static bool pid_inside(const struct wr_netns *ns)
{
	char path[32];
	struct stat st;

	if (!ns->pid)
		return false;
	snprintf(path, sizeof(path), "/proc/%u/ns/net", ns->pid);
	return !stat(path, &st) && st.st_ino == ns->inode &&
	       (!ns->dev || (uint64_t)st.st_dev == ns->dev);
}

bool wr_netns_container(const struct wr_netns_list *l, uint32_t inode, struct wr_container *c)
{
	const struct wr_netns *ns = wr_netns_find(l, inode);

	return ns && pid_inside(ns) && wr_container_of_pid("", ns->pid, c);
}

void wr_netns_label(const struct wr_netns_list *l, uint32_t inode, char *buf, size_t len)
{
	const struct wr_netns *ns = wr_netns_find(l, inode);
	bool inside = ns && pid_inside(ns);
	struct wr_container c;

	/* A container's namespace is called by the container's name. */
	if (inside && wr_container_of_pid("", ns->pid, &c)) {
		char label[128];

		wr_container_label(&c, label, sizeof(label));
		snprintf(buf, len, "%s, netns %u", label, inode);
	} else if (ns && ns->name[0])
		snprintf(buf, len, "netns %u (/run/netns/%s)", inode, ns->name);
	else if (inside)
		snprintf(buf, len, "netns %u (pid %u %s)", inode, ns->pid, ns->comm);
	else
		snprintf(buf, len, "netns %u", inode);
}

uint32_t wr_netns_self(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : (uint32_t)st.st_ino;
}

bool wr_netns_gone(int err)
{
	return err == -ENOENT || err == -ESRCH || err == -ESTALE;
}

/* Is the file behind `fd` namespace `ns` (inode and, where known, nsfs device)? */
static bool is_ns(int fd, const struct wr_netns *ns)
{
	struct stat st;

	return !fstat(fd, &st) && st.st_ino == ns->inode &&
	       (!ns->dev || (uint64_t)st.st_dev == ns->dev);
}

/* Opens `path` if it is `ns`; -ESTALE if it is another file, or -errno. */
static int open_checked(const char *path, const struct wr_netns *ns)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (!is_ns(fd, ns)) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

/*
 * Namespaces looked for in vain in the last second, per thread (the rule
 * thread runs helpers too): a refusal flood from a namespace whose process
 * is gone must not walk /proc for each one (~100 ms with 3,000 processes).
 */
#define MISSED_SLOTS 8
static _Thread_local struct {
	uint32_t inode;
	uint64_t dev;
	uint64_t ms;
} missed[MISSED_SLOTS];
static _Thread_local unsigned int missed_next;

static bool missed_lately(const struct wr_netns *ns, uint64_t now)
{
	for (size_t i = 0; i < MISSED_SLOTS; i++)
		if (missed[i].inode == ns->inode && missed[i].dev == ns->dev &&
		    now - missed[i].ms < 1000)
			return true;
	return false;
}

static int walk(const struct wr_netns *ns);

static uint64_t walks;	/* /proc walks for a namespace, by every thread */

uint64_t wr_netns_walks(void)
{
	return __atomic_load_n(&walks, __ATOMIC_RELAXED);
}

/*
 * `ns` by its inode wherever it is still held: a name in /run/netns or a
 * process inside. -ENOENT if nothing holds it (or nothing did a moment
 * ago); -errno if it could not be looked for.
 */
static int find_again(const struct wr_netns *ns)
{
	uint64_t now = mono_ms();
	unsigned int i;
	int fd;

	if (missed_lately(ns, now))
		return -ENOENT;
	__atomic_add_fetch(&walks, 1, __ATOMIC_RELAXED);
	fd = walk(ns);
	if (fd == -ENOENT) {
		i = missed_next++ % MISSED_SLOTS;
		missed[i].inode = ns->inode;
		missed[i].dev = ns->dev;
		missed[i].ms = now;
	}
	return fd;
}

static int walk(const struct wr_netns *ns)
{
	static const char *const dirs[] = { "/run/netns", "/proc" };
	char path[sizeof(ns->path) + 280];
	struct dirent *de;
	struct stat st;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		bool procs = i == 1;
		DIR *d = opendir(dirs[i]);

		if (!d) {
			if (!procs && errno == ENOENT)
				continue;
			return -errno;
		}
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.' || (procs && (de->d_name[0] < '1' || de->d_name[0] > '9')))
				continue;
			snprintf(path, sizeof(path), procs ? "/proc/%s/ns/net" : "/run/netns/%s",
				 de->d_name);
			if (stat(path, &st) || st.st_ino != ns->inode ||
			    (ns->dev && (uint64_t)st.st_dev != ns->dev))
				continue;
			/* Checked again once open: the name may change hands in between. */
			fd = open_checked(path, ns);
			if (fd >= 0 || !wr_netns_gone(fd)) {
				closedir(d);
				return fd;
			}
		}
		closedir(d);
	}
	return -ENOENT;
}

int wr_netns_fd(const struct wr_netns *ns)
{
	int fd = open_checked(ns->path, ns);

	/* Its process exited, or its pid (or name) now leads to another namespace. */
	if (wr_netns_gone(fd))
		fd = find_again(ns);
	return fd;
}

/* Runs fn inside `ns` and comes back; single-threaded callers only. */
/*
 * This thread's own namespace, opened at its first visit elsewhere and kept:
 * each namespace's poll at start is a visit (1000 namespaces, 3000 visits).
 * Threads that visit (main, the lanes) live as long as the process.
 */
static _Thread_local int home = -1;

static int in_netns(const struct wr_netns *ns, int (*fn)(const void *), const void *arg)
{
	int target, fd, err;

	if (home < 0)
		home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return -errno;
	target = wr_netns_fd(ns);
	if (target < 0)
		return target;
	if (setns(target, CLONE_NEWNET)) {
		err = -errno;
		close(target);
		return err;
	}
	fd = fn(arg);
	if (setns(home, CLONE_NEWNET)) {
		/* Cannot get home: every later lookup would be wrong. */
		perror("whyrefused: setns back to the original network namespace");
		abort();
	}
	close(target);
	return fd;
}

struct socket_args {
	int domain, type, protocol;
};

static int do_socket(const void *p)
{
	const struct socket_args *a = p;
	int fd = socket(a->domain, a->type | SOCK_CLOEXEC, a->protocol);

	return fd < 0 ? -errno : fd;
}

static int do_open(const void *p)
{
	int fd = open((const char *)p, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int wr_netns_call(const struct wr_netns *ns, int (*fn)(const void *), const void *arg)
{
	return in_netns(ns, fn, arg);
}

int wr_netns_socket(const struct wr_netns *ns, int domain, int type, int protocol)
{
	struct socket_args a = { domain, type, protocol };

	return in_netns(ns, do_socket, &a);
}

int wr_netns_open(const struct wr_netns *ns, const char *path)
{
	return in_netns(ns, do_open, path);
}

size_t wr_netns_read(const struct wr_netns *ns, const char *path, char *buf, size_t len)
{
	ssize_t n = 0;
	size_t got;
	int fd = wr_netns_open(ns, path);

	if (fd < 0 || !len) {
		if (fd >= 0)
			close(fd);
		if (len)
			buf[0] = '\0';
		return 0;
	}
	/* procfs hands out a page per read: loop until EOF. */
	for (got = 0; got < len - 1; got += (size_t)n) {
		n = read(fd, buf + got, len - 1 - got);
		if (n <= 0)
			break;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

int wr_netns_resolve(const char *spec, uint32_t *inode, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(spec, &end, 10);
	if (*spec >= '0' && *spec <= '9' && !*end && !errno && v > 0 && v <= UINT32_MAX) {
		*inode = (uint32_t)v;
		return 0;
	}
	if (strchr(spec, '/'))
		snprintf(path, sizeof(path), "%s", spec);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", spec);
	if (stat(path, &st)) {
		snprintf(err, errlen, "unknown network namespace '%s' (%s: %s)", spec, path,
			 strerror(errno));
		return -1;
	}
	*inode = (uint32_t)st.st_ino;
	return 0;
}

int wr_netns_ifname(const struct wr_netns *ns, uint32_t ifindex, char *buf, size_t len)
{
	struct ifreq ifr = { .ifr_ifindex = (int)ifindex };
	int fd = wr_netns_socket(ns, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = 0;

	if (fd < 0)
		return fd;
	if (ioctl(fd, SIOCGIFNAME, &ifr))
		err = -errno;
	else
		snprintf(buf, len, "%.*s", (int)sizeof(ifr.ifr_name), ifr.ifr_name);
	close(fd);
	return err;
}
