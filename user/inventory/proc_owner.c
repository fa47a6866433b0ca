// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "proc_owner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "containers.h"
#include "small_file.h"
#include "units.h"

struct owner {
	uint32_t inode;
	uint32_t pid;
	char comm[16];
};

static struct owner *owners;
static size_t n_owners, cap_owners;
static time_t last_scan;

static void remember(uint32_t inode, uint32_t pid, const char *comm)
{
	if (n_owners == cap_owners) {
		size_t ncap = cap_owners ? cap_owners * 2 : 256;
		struct owner *nv = realloc(owners, ncap * sizeof(*nv));

		if (!nv)
			return;
		owners = nv;
		cap_owners = ncap;
	}
	owners[n_owners].inode = inode;
	owners[n_owners].pid = pid;
	snprintf(owners[n_owners].comm, sizeof(owners[n_owners].comm), "%s", comm);
	n_owners++;
}

/* The name (at most 15 bytes, any byte but NUL), without its newline. */
static void read_comm(uint32_t pid, char *comm, size_t len)
{
	char path[64];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, comm, len - 1);
		close(fd);
	}
	if (n > 0 && comm[n - 1] == '\n')
		n--;
	comm[n > 0 ? n : 0] = '\0';
}

/*
 * Runs for every process at start and on each rescan: its name is read
 * only once a socket is found (most processes hold none), and a process
 * whose fds we may not read (EACCES: the same for all of them) is left
 * at the first.
 */
static void scan_pid(uint32_t pid)
{
	char path[64], link[64], comm[18] = "";
	bool named = false;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%u/fd", pid);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		ssize_t n;
		unsigned int inode;

		if (de->d_name[0] == '.')
			continue;
		/* Relative to the open directory: no path walk per descriptor. */
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (n < 0 && errno == EACCES)
			break;
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%u]", &inode) != 1)
			continue;
		if (!named) {
			read_comm(pid, comm, sizeof(comm));
			named = true;
		}
		remember(inode, pid, comm);
	}
	if (d)
		closedir(d);
}

static void rescan(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc");

	n_owners = 0;
	while (d && (de = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (!*end && pid)
			scan_pid((uint32_t)pid);
	}
	if (d)
		closedir(d);
	last_scan = time(NULL);
}

static const struct owner *find(uint32_t inode)
{
	size_t i;

	for (i = 0; i < n_owners; i++)
		if (owners[i].inode == inode)
			return &owners[i];
	return NULL;
}

/*
 * A socket not searched for yet: a listener just found by a poll is named at
 * once even if /proc was scanned this second (scans are otherwise at most
 * one a second: a refusal flood asks again and again for the same sockets).
 */
static bool first_search(uint32_t inode)
{
	static uint32_t searched[64];
	static size_t next;
	size_t i;

	for (i = 0; i < sizeof(searched) / sizeof(searched[0]); i++)
		if (searched[i] == inode)
			return false;
	searched[next++ % (sizeof(searched) / sizeof(searched[0]))] = inode;
	return true;
}

int wr_owner_lookup(uint32_t inode, uint32_t *pid, char *comm, size_t len)
{
	const struct owner *o = find(inode);

	if (!o && (time(NULL) != last_scan || first_search(inode))) {
		rescan();
		o = find(inode);
	}
	if (!o)
		return -ENOENT;
	*pid = o->pid;
	snprintf(comm, len, "%s", o->comm);
	return 0;
}

void wr_owner_cache_free(void)
{
	free(owners);
	owners = NULL;
	n_owners = cap_owners = 0;
	last_scan = 0;
}

void wr_owner_details(struct wr_listener *l)
{
	char path[64], text[4096];

	if (!l->pid)
		return;
	wr_container_port_holder("", l->pid, l->comm, &l->publishes);
	snprintf(path, sizeof(path), "/proc/%u/cgroup", l->pid);
	if (wr_read_small_file(path, text, sizeof(text)) > 0)
		wr_unit_from_cgroup(text, l->unit, sizeof(l->unit));
}

bool wr_stat_running(const char *stat)
{
	/* "pid (comm) S ...": comm may hold anything, ')' and spaces included. */
	const char *paren = strrchr(stat, ')');

	return paren && paren[1] == ' ' && paren[2] && paren[2] != 'Z' && paren[2] != 'X' &&
	       paren[3] == ' ';
}

bool wr_process_running(uint32_t pid)
{
	char path[32], stat[256];

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	return wr_read_small_file(path, stat, sizeof(stat)) > 0 && wr_stat_running(stat);
}
