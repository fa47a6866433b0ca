// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "bpf_blockers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/netlink.h>

#include "blocker.h"
#include "clock.h"
#include "containers.h"
#include "nl_kernel.h"
#include "shell_quote.h"
#include "small_file.h"
#include "tc_filters.h"
#include "units.h"

#define TTL_MS		2000	/* listings and holders this fresh are used again */
#define LINKS_MAX	4096
#define MAX_FDS		8192	/* BPF fds of all processes kept from one walk */
#define WALK_MS		2000	/* a walk of /proc stops here (holder then unknown, said so) */
#define MAX_IDS		64
#define TCX_INGRESS	46	/* BPF_TCX_INGRESS (Linux 6.6); Debian 12's headers predate it */

struct link_row {
	uint32_t id, prog_id, type, attach_type, netns_ino;
};

struct fd_row {
	uint32_t prog_id, link_id, pid;
};

struct wr_bpf_finder {
	struct link_row *links;
	size_t n_links;
	uint64_t links_ms;
	struct fd_row *fds;
	size_t n_fds;
	bool walk_cut;		/* the last walk of /proc did not finish */
	uint64_t fds_ms;
	char cgroup_mount[256];
	bool mount_known;
};

struct wr_bpf_finder *wr_bpf_finder_new(void)
{
	struct wr_bpf_finder *f = calloc(1, sizeof(*f));
	char text[16384];

	if (!f)
		return NULL;
	f->links = calloc(LINKS_MAX, sizeof(*f->links));
	f->fds = calloc(MAX_FDS, sizeof(*f->fds));
	if (!f->links || !f->fds) {
		wr_bpf_finder_free(f);
		return NULL;
	}
	if (wr_read_small_file("/proc/self/mountinfo", text, sizeof(text)) > 0)
		f->mount_known = wr_cgroup2_mount(text, f->cgroup_mount, sizeof(f->cgroup_mount));
	return f;
}

void wr_bpf_finder_free(struct wr_bpf_finder *f)
{
	if (!f)
		return;
	free(f->links);
	free(f->fds);
	free(f);
}

static void list_links(struct wr_bpf_finder *f)
{
	uint32_t id = 0;

	if (f->links_ms && wr_now_ms() - f->links_ms < TTL_MS)
		return;
	f->n_links = 0;
	while (f->n_links < LINKS_MAX && !bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info li;
		__u32 len = sizeof(li);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;	/* gone since */
		memset(&li, 0, sizeof(li));
		if (!bpf_obj_get_info_by_fd(fd, &li, &len)) {
			struct link_row *row = &f->links[f->n_links++];

			row->id = li.id;
			row->prog_id = li.prog_id;
			row->type = li.type;
			if (li.type == BPF_LINK_TYPE_NETNS) {
				row->attach_type = li.netns.attach_type;
				row->netns_ino = li.netns.netns_ino;
			}
		}
		close(fd);
	}
	f->links_ms = wr_now_ms();
}

/* Every BPF program and link fd of every process: one bounded walk of /proc. */
static void walk_fds(struct wr_bpf_finder *f)
{
	uint64_t start = wr_now_ms();
	struct dirent *p, *d;
	DIR *proc;

	if (f->fds_ms && start - f->fds_ms < TTL_MS)
		return;
	f->n_fds = 0;
	f->walk_cut = false;
	proc = opendir("/proc");
	if (!proc) {
		f->walk_cut = true;
		return;
	}
	while ((p = readdir(proc)) != NULL) {
		char path[64], link[32], text[1024];
		uint32_t pid, prog_id, link_id;
		DIR *fds;

		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		if (wr_now_ms() - start > WALK_MS || f->n_fds == MAX_FDS) {
			f->walk_cut = true;
			break;
		}
		pid = (uint32_t)strtoul(p->d_name, NULL, 10);
		snprintf(path, sizeof(path), "/proc/%u/fd", pid);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((d = readdir(fds)) != NULL && f->n_fds < MAX_FDS) {
			ssize_t n = readlinkat(dirfd(fds), d->d_name, link, sizeof(link) - 1);

			if (n <= 0)
				continue;
			link[n] = '\0';
			if (strcmp(link, "anon_inode:bpf-prog") && strcmp(link, "anon_inode:bpf_link"))
				continue;
			snprintf(path, sizeof(path), "/proc/%u/fdinfo/%.16s", pid, d->d_name);
			if (wr_read_small_file(path, text, sizeof(text)) <= 0 ||
			    !wr_fdinfo_bpf_ids(text, &prog_id, &link_id))
				continue;
			f->fds[f->n_fds++] = (struct fd_row){ prog_id, link_id, pid };
		}
		closedir(fds);
	}
	closedir(proc);
	f->fds_ms = wr_now_ms();
}

/* The process holding the link (else the program), with its comm, unit and container. */
static void find_holder(struct wr_bpf_finder *f, uint32_t link_id, struct wr_blocker *b)
{
	char path[64], text[4096];
	uint32_t pid = 0;
	size_t i;

	walk_fds(f);
	for (i = 0; link_id && !pid && i < f->n_fds; i++)
		if (f->fds[i].link_id == link_id)
			pid = f->fds[i].pid;
	for (i = 0; !pid && i < f->n_fds; i++)
		if (f->fds[i].prog_id == b->id)
			pid = f->fds[i].pid;
	if (!pid) {
		b->holder_cut = f->walk_cut;
		return;
	}
	b->pid = pid;
	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	if (wr_read_small_file(path, text, sizeof(text)) > 0) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(b->comm, sizeof(b->comm), "%s", text);
	}
	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	if (wr_read_small_file(path, text, sizeof(text)) > 0) {
		struct wr_container c;

		wr_unit_from_cgroup(text, b->unit, sizeof(b->unit));
		if (wr_container_from_cgroup(text, &c))
			wr_container_label(&c, b->container, sizeof(b->container));
	}
}

static bool prog_name(uint32_t id, char *name, size_t len, uint32_t *type)
{
	struct bpf_prog_info info;
	__u32 ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);
	int err;

	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &ilen);
	close(fd);
	if (err)
		return false;
	snprintf(name, len, "%s", info.name);
	if (type)
		*type = info.type;
	return true;
}

/* sk_lookup programs attached to the namespace, through their links. */
static bool find_sk_lookup(struct wr_bpf_finder *f, uint32_t netns, struct wr_blocker *b)
{
	uint32_t link_id = 0;

	list_links(f);
	for (size_t i = 0; i < f->n_links; i++) {
		const struct link_row *l = &f->links[i];

		if (l->type != BPF_LINK_TYPE_NETNS || l->attach_type != BPF_SK_LOOKUP ||
		    l->netns_ino != netns)
			continue;
		if (b->found) {
			b->others++;
			continue;
		}
		if (!prog_name(l->prog_id, b->program, sizeof(b->program), NULL))
			continue;
		b->found = true;
		b->id = l->prog_id;
		link_id = b->link_id = l->id;
		snprintf(b->attach, sizeof(b->attach), "sk_lookup link %u", l->id);
	}
	if (b->found) {
		b->kind = WR_BLK_SK_LOOKUP;
		find_holder(f, link_id, b);
	}
	return b->found;
}

/* A SO_REUSEPORT program the listener's process holds (SO_ATTACH_REUSEPORT_EBPF). */
static bool find_reuseport(struct wr_bpf_finder *f, uint32_t pid, struct wr_blocker *b)
{
	uint32_t type;
	char name[64];

	if (!pid)
		return false;
	walk_fds(f);
	for (size_t i = 0; i < f->n_fds; i++) {
		if (f->fds[i].pid != pid || !f->fds[i].prog_id ||
		    !prog_name(f->fds[i].prog_id, name, sizeof(name), &type) ||
		    type != BPF_PROG_TYPE_SK_REUSEPORT)
			continue;
		b->kind = WR_BLK_REUSEPORT;
		b->found = true;
		b->id = f->fds[i].prog_id;
		snprintf(b->program, sizeof(b->program), "%s", name);
		snprintf(b->attach, sizeof(b->attach), "SO_REUSEPORT group");
		find_holder(f, 0, b);
		return true;
	}
	return false;
}

static int query_cgroup(const char *dir, uint32_t flags, uint32_t *ids, uint32_t *n)
{
	LIBBPF_OPTS(bpf_prog_query_opts, q, .query_flags = flags, .prog_ids = ids, .prog_cnt = *n);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	err = bpf_prog_query_opts(fd, BPF_CGROUP_INET_INGRESS, &q);
	close(fd);
	*n = err ? 0 : q.prog_cnt;
	return err;
}

static bool among(uint32_t id, const uint32_t *ids, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/*
 * The ingress programs in force on the listener's cgroup (the effective
 * set), named at the nearest cgroup they are attached to, leaf upwards.
 */
static bool find_cgroup(struct wr_bpf_finder *f, uint32_t pid, struct wr_blocker *b)
{
	uint32_t eff[MAX_IDS], here[MAX_IDS], n_eff = MAX_IDS, n;
	char path[32], text[4096], cg[256], dir[sizeof(cg) + sizeof(f->cgroup_mount)], *slash;

	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	if (!pid || !f->mount_known || wr_read_small_file(path, text, sizeof(text)) <= 0 ||
	    !wr_cgroup2_path(text, cg, sizeof(cg)))
		return false;
	snprintf(b->cgroup, sizeof(b->cgroup), "%s", cg);	/* the listener's, until one is found */
	snprintf(dir, sizeof(dir), "%s%s", f->cgroup_mount, cg);
	if (query_cgroup(dir, BPF_F_QUERY_EFFECTIVE, eff, &n_eff) || !n_eff)
		return false;
	for (;;) {
		snprintf(dir, sizeof(dir), "%s%s", f->cgroup_mount, cg);
		n = MAX_IDS;
		if (!query_cgroup(dir, 0, here, &n)) {
			for (uint32_t i = 0; i < n; i++) {
				if (!among(here[i], eff, n_eff))
					continue;
				if (b->found) {
					b->others++;
					continue;
				}
				if (!prog_name(here[i], b->program, sizeof(b->program), NULL))
					continue;
				b->found = true;
				b->id = here[i];
				snprintf(b->cgroup, sizeof(b->cgroup), "%s", cg);
			}
		}
		slash = strrchr(cg, '/');
		if (!slash || slash == cg) {
			if (!strcmp(cg, "/"))
				break;
			snprintf(cg, sizeof(cg), "/");
			continue;
		}
		*slash = '\0';
	}
	if (!b->found)
		return false;
	b->kind = WR_BLK_CGROUP;
	snprintf(b->attach, sizeof(b->attach), "cgroup ingress");
	if (!wr_blocker_cgroup_unit(b->cgroup, b->cgroup_unit, sizeof(b->cgroup_unit)))
		b->cgroup_unit[0] = '\0';
	find_holder(f, 0, b);
	return true;
}

/* Inside the interface's namespace: its name, tcx programs and tc filters. */
struct tc_query {
	uint32_t ifindex;
	char device[IF_NAMESIZE];
	uint32_t tcx[MAX_IDS], n_tcx;
	struct wr_tc_filter tc[MAX_IDS];
	size_t n_tc;
};

static int dump_tc(struct tc_query *q)
{
	char buf[16384];
	uint32_t seq = (uint32_t)time(NULL);
	size_t len = wr_tc_filter_request(buf, sizeof(buf), q->ifindex, seq);
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct timeval tv = { .tv_sec = 1 };
	int rc = 0;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		close(fd);
		return -errno;
	}
	/* Bounded: a dump of at most this many datagrams, each waited for 1 s at most. */
	for (int i = 0; i < 256 && rc == 0; i++) {
		ssize_t n = wr_nl_recv_kernel(fd, buf, sizeof(buf), 0);

		if (n <= 0)
			break;
		rc = wr_tc_filters_parse(buf, (size_t)n, seq, q->tc, MAX_IDS, &q->n_tc);
	}
	close(fd);
	return 0;
}

static int query_tc(const void *arg)
{
	struct tc_query *q = (struct tc_query *)arg;
	LIBBPF_OPTS(bpf_prog_query_opts, o, .prog_ids = q->tcx, .prog_cnt = MAX_IDS);

	if (!if_indextoname(q->ifindex, q->device))
		q->device[0] = '\0';
	if (!bpf_prog_query_opts((int)q->ifindex, TCX_INGRESS, &o))
		q->n_tcx = o.prog_cnt;
	return dump_tc(q);
}

static bool find_tc(struct wr_bpf_finder *f, const struct wr_netns *ns, uint32_t netns,
		    uint32_t ifindex, struct wr_blocker *b)
{
	struct tc_query *q = calloc(1, sizeof(*q));
	uint32_t link_id = 0;

	if (!q)
		return false;
	q->ifindex = ifindex;
	if (ns)
		wr_netns_call(ns, query_tc, q);
	else if (netns == wr_netns_self())
		query_tc(q);
	/* else: a namespace not found: its ifindex means nothing here, nothing is asked. */
	snprintf(b->device, sizeof(b->device), "%s", q->device);
	/* tcx runs before the tc filters: its programs first. */
	for (uint32_t i = 0; i < q->n_tcx; i++) {
		if (b->found || !prog_name(q->tcx[i], b->program, sizeof(b->program), NULL)) {
			b->others += b->found;
			continue;
		}
		b->found = true;
		b->id = q->tcx[i];
		snprintf(b->attach, sizeof(b->attach), "tcx ingress");
	}
	for (size_t i = 0; i < q->n_tc; i++) {
		if (b->found) {
			b->others++;
			continue;
		}
		b->found = true;
		b->id = q->tc[i].prog_id;
		if (!b->id || !prog_name(b->id, b->program, sizeof(b->program), NULL))
			snprintf(b->program, sizeof(b->program), "%s", q->tc[i].name);
		snprintf(b->attach, sizeof(b->attach), "tc ingress pref %u%s", q->tc[i].prio,
			 q->tc[i].direct_action ? " da" : "");
	}
	free(q);
	/* A tcx link's holder holds the link; find_holder falls back to the program. */
	if (b->found && b->id)
		find_holder(f, link_id, b);
	return b->found;
}

/* "ip netns exec NAME " / "nsenter -t PID -n " before a command, "" for our own namespace. */
static void ns_prefix(const struct wr_netns *ns, uint32_t netns, char *buf, size_t len)
{
	char q[WR_QUOTED_LEN];

	buf[0] = '\0';
	if (!ns || netns == wr_netns_self())
		return;
	if (ns->name[0])
		snprintf(buf, len, "ip netns exec %s ", wr_shell_quote(ns->name, q, sizeof(q)));
	else if (ns->pid)
		snprintf(buf, len, "nsenter -t %u -n ", ns->pid);
}

void wr_bpf_find(struct wr_bpf_finder *f, const struct wr_netns *ns, struct wr_refusal *r)
{
	struct wr_blocker *b = &r->blocker;
	uint32_t pid = r->n_related ? r->related[0].l.pid : 0;

	b->looked = true;
	ns_prefix(ns, r->netns, b->ns_prefix, sizeof(b->ns_prefix));
	switch (b->kind) {
	case WR_BLK_LOOKUP:
		if (!find_sk_lookup(f, r->netns, b))
			find_reuseport(f, pid, b);
		break;
	case WR_BLK_SOCKET_FILTER:
		find_cgroup(f, pid, b);
		break;
	case WR_BLK_TC:
		find_tc(f, ns, r->netns, r->ifindex, b);
		break;
	default:
		break;
	}
}

void wr_bpf_describe(struct wr_bpf_finder *f, const struct wr_netns *ns, uint32_t netns,
		     uint32_t id, struct wr_blocker *b)
{
	memset(b, 0, sizeof(*b));
	b->id = id;
	b->looked = true;
	b->found = prog_name(id, b->program, sizeof(b->program), NULL);
	find_holder(f, 0, b);
	ns_prefix(ns, netns, b->ns_prefix, sizeof(b->ns_prefix));
}
