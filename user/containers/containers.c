// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "containers.h"
#include "clock.h"
#include "docker_state.h"
#include "json_read.h"
#include "pods.h"
#include "small_file.h"

#include <ctype.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CACHE 64
#define CACHE_MS 10000

/* A 64-hex-digit id at p (the form every runtime uses)? */
static bool hex_id(const char *p)
{
	int i;

	for (i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)p[i]) || isupper((unsigned char)p[i]))
			return false;
	return true;
}

/* One component of a cgroup path: no '/', not NUL-terminated. */
struct comp {
	const char *p;
	size_t n;
};

static bool comp_is(const struct comp *k, const char *s)
{
	return k->n == strlen(s) && !memcmp(k->p, s, k->n);
}

/* Exactly prefix, a 64-hex-digit id, suffix: the whole component. */
static bool id_comp(const struct comp *k, const char *prefix, const char *suffix)
{
	size_t lp = strlen(prefix), ls = strlen(suffix);

	return k->n == lp + 64 + ls && !memcmp(k->p, prefix, lp) && hex_id(k->p + lp) &&
	       !memcmp(k->p + lp + 64, suffix, ls);
}

static bool found(const struct comp *k, size_t skip, const char *runtime, struct wr_container *c)
{
	snprintf(c->runtime, sizeof(c->runtime), "%s", runtime);
	snprintf(c->id, sizeof(c->id), "%.64s", k->p + skip);
	return true;
}

/* A kubelet's QoS or pod slice: kubepods-besteffort.slice, kubepods-pod<uid>.slice... */
static bool kube_slice(const struct comp *k)
{
	return k->n > strlen("kubepods-.slice") && !memcmp(k->p, "kubepods-", 9) &&
	       !memcmp(k->p + k->n - 6, ".slice", 6);
}

#define MAX_COMPS 8	/* the deepest runtime place: kubepods, QoS, pod, container */

/*
 * The container of one cgroup path, told only where each runtime running
 * as root puts its containers: cgroups elsewhere (a user's delegated
 * user@UID.service tree, a service's, one a container made inside its
 * own) may be named anything. What a container nests below its own cgroup
 * does not matter.
 */
static bool container_of_path(const char *path, size_t len, struct wr_container *c)
{
	struct comp v[MAX_COMPS];
	const char *end = path + len, *slash;
	size_t n = 0, i;

	if (!len || *path != '/')
		return false;
	for (path++; n < MAX_COMPS && path < end; path = slash + 1) {
		slash = memchr(path, '/', (size_t)(end - path));
		if (!slash)
			slash = end;
		v[n].p = path;
		v[n++].n = (size_t)(slash - path);
	}
	if (n < 2)
		return false;
	/* Docker: systemd's driver, then cgroupfs's. */
	if (comp_is(&v[0], "system.slice") && id_comp(&v[1], "docker-", ".scope"))
		return found(&v[1], 7, "docker", c);
	if (comp_is(&v[0], "docker") && id_comp(&v[1], "", ""))
		return found(&v[1], 0, "docker", c);
	/* podman: systemd's manager, then cgroupfs's; a pod's containers one level down. */
	if (comp_is(&v[0], "machine.slice")) {
		i = n > 2 && id_comp(&v[1], "machine-libpod_pod_", ".slice") ? 2 : 1;
		return id_comp(&v[i], "libpod-", ".scope") && found(&v[i], 7, "podman", c);
	}
	if (comp_is(&v[0], "libpod_parent")) {
		i = n > 2 && id_comp(&v[1], "", "") ? 2 : 1;
		return id_comp(&v[i], "libpod-", "") && found(&v[i], 7, "podman", c);
	}
	/* Kubernetes (systemd driver): kubepods.slice, its QoS and pod slices, the container. */
	if (comp_is(&v[0], "kubepods.slice")) {
		for (i = 1; i < n && kube_slice(&v[i]); i++)
			;
		if (i < 2 || i >= n)
			return false;
		if (id_comp(&v[i], "cri-containerd-", ".scope"))
			return found(&v[i], 15, "containerd", c);
		if (id_comp(&v[i], "crio-", ".scope"))
			return found(&v[i], 5, "cri-o", c);
	}
	return false;
}

bool wr_container_from_cgroup(const char *cgroup, struct wr_container *c)
{
	const char *line, *eol, *path;

	memset(c, 0, sizeof(*c));
	/* "ID:CONTROLLERS:PATH" per hierarchy (one line on cgroup v2); the first that tells. */
	for (line = cgroup; *line; line = *eol ? eol + 1 : eol) {
		eol = strchrnul(line, '\n');
		path = memchr(line, ':', (size_t)(eol - line));
		path = path ? memchr(path + 1, ':', (size_t)(eol - path - 1)) : NULL;
		if (path && container_of_path(path + 1, (size_t)(eol - path - 1), c))
			return true;
	}
	memset(c, 0, sizeof(*c));
	return false;
}

bool wr_container_name_podman(const char *containers_json, const char *id, char *name,
			      size_t len)
{
	const char *end = containers_json + strlen(containers_json);
	const char *p = wr_json_ws(containers_json, end), *v;
	char own_id[80];

	/* [{"id":"...","names":["web"],...},...]: each container's own members. */
	if (p >= end || *p != '[')
		return false;
	p = wr_json_ws(p + 1, end);
	for (;;) {
		v = wr_json_member(p, end, "id");
		if (v && wr_json_string(v, end, own_id, sizeof(own_id)) && !strcmp(own_id, id)) {
			v = wr_json_member(p, end, "names");
			if (!v || *v != '[')
				return false;
			return wr_json_string(wr_json_ws(v + 1, end), end, name, len) && name[0];
		}
		p = wr_json_skip_value(p, end);
		if (!p)
			return false;
		p = wr_json_ws(p, end);
		if (p >= end || *p != ',')
			return false;
		p = wr_json_ws(p + 1, end);
	}
}

bool wr_container_name_docker(const char *config_json, char *name, size_t len)
{
	const char *end = config_json + strlen(config_json);
	const char *v = wr_json_member(config_json, end, "Name");
	char raw[80];

	/* The top-level "Name":"/web": Config's labels come first and may hold a "Name" too. */
	if (!v || !wr_json_string(v, end, raw, sizeof(raw)))
		return false;
	snprintf(name, len, "%s", raw[0] == '/' ? raw + 1 : raw);
	return name[0] != '\0';
}

static char *slurp(const char *path, size_t max)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/*
 * A Kubernetes container's name from kubelet's log link,
 * /var/log/containers/POD_NAMESPACE_CONTAINER-ID.log (none of the three
 * may hold '_'): "NAMESPACE/POD/CONTAINER". containerd keeps its own names
 * in a database; this link is what a node holds in the open.
 */
bool wr_container_name_kubelet_log(const char *file, const char *id, char *name, size_t len)
{
	const char *u1, *u2, *dash;
	size_t n = strlen(file), idl = strlen(id);

	if (idl != 64 || n < idl + 6 + 5 || strcmp(file + n - 4, ".log") ||
	    memcmp(file + n - 4 - idl, id, idl) || file[n - 5 - idl] != '-')
		return false;
	dash = file + n - 5 - idl;
	u1 = memchr(file, '_', (size_t)(dash - file));
	u2 = u1 ? memchr(u1 + 1, '_', (size_t)(dash - u1 - 1)) : NULL;
	if (!u1 || !u2 || u1 == file || u2 == u1 + 1 || dash == u2 + 1 ||
	    memchr(u2 + 1, '_', (size_t)(dash - u2 - 1)) || strchr(file, '/'))
		return false;
	for (const char *p = file; p < dash; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	snprintf(name, len, "%.*s/%.*s/%.*s", (int)(u2 - u1 - 1), u1 + 1, (int)(u1 - file), file,
		 (int)(dash - u2 - 1), u2 + 1);
	return true;
}

static void name_from_kubelet_log(const char *root, struct wr_container *c)
{
	char path[512];
	glob_t g;

	snprintf(path, sizeof(path), "%s/var/log/containers/*-%s.log", root, c->id);
	if (glob(path, 0, NULL, &g))
		return;
	if (g.gl_pathc == 1) {
		const char *base = strrchr(g.gl_pathv[0], '/');

		if (!wr_container_name_kubelet_log(base ? base + 1 : g.gl_pathv[0], c->id, c->name,
						   sizeof(c->name)))
			c->name[0] = '\0';
	}
	globfree(&g);
}

static void name_it(const char *root, struct wr_container *c)
{
	char path[512];
	glob_t g;
	char *text;
	size_t i;

	/* podman and CRI-O both keep containers in c/storage: one list per graph driver. */
	if (!strcmp(c->runtime, "podman") || !strcmp(c->runtime, "cri-o")) {
		snprintf(path, sizeof(path), "%s/var/lib/containers/storage/*-containers/containers.json",
			 root);
		if (glob(path, 0, NULL, &g))
			return;
		for (i = 0; i < g.gl_pathc && !c->name[0]; i++) {
			text = slurp(g.gl_pathv[i], 4 << 20);
			if (text && !wr_container_name_podman(text, c->id, c->name, sizeof(c->name)))
				c->name[0] = '\0';
			free(text);
		}
		globfree(&g);
	} else if (!strcmp(c->runtime, "docker")) {
		/* In the data root of whichever dockerd runs it (--data-root, daemon.json). */
		if (!wr_docker_name(root, c->id, c->name, sizeof(c->name)))
			c->name[0] = '\0';
	}
	if (!c->name[0] && (!strcmp(c->runtime, "containerd") || !strcmp(c->runtime, "cri-o")))
		name_from_kubelet_log(root, c);
}

bool wr_container_of_pid(const char *root, uint32_t pid, struct wr_container *c)
{
	static struct { uint32_t pid; long long ms; bool in; struct wr_container c; } cache[CACHE];
	static size_t next;
	char path[128], *text;
	bool in;
	size_t i;

	for (i = 0; i < CACHE; i++)
		if (cache[i].pid == pid && wr_now_ms() - cache[i].ms < CACHE_MS) {
			*c = cache[i].c;
			return cache[i].in;
		}
	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "%s/proc/%u/cgroup", root, pid);
	text = slurp(path, 64 << 10);
	in = text && wr_container_from_cgroup(text, c);
	if (in)
		name_it(root, c);
	/* A Kubernetes pod's container: the pod named too (pods.c). */
	if (text && wr_pod_of_cgroup(root, text, c))
		in = true;
	free(text);
	i = next++ % CACHE;
	cache[i].pid = pid;
	cache[i].ms = wr_now_ms();
	cache[i].in = in;
	cache[i].c = *c;
	return in;
}

bool wr_container_from_conmon_args(const char *args, size_t len, struct wr_container *c)
{
	const char *end = args + len, *prev = NULL, *base;

	memset(c, 0, sizeof(*c));
	if (!len)
		return false;
	base = strrchr(args, '/');
	if (strcmp(base ? base + 1 : args, "conmon"))
		return false;
	for (const char *a = args; a < end; prev = a, a += strlen(a) + 1) {
		if (!prev)
			continue;
		if (!strcmp(prev, "-c") && strlen(a) == 64 && hex_id(a))
			snprintf(c->id, sizeof(c->id), "%s", a);
		else if (!strcmp(prev, "-n"))
			snprintf(c->name, sizeof(c->name), "%s", a);
	}
	if (!c->id[0]) {
		memset(c, 0, sizeof(*c));
		return false;
	}
	snprintf(c->runtime, sizeof(c->runtime), "podman");
	return true;
}

bool wr_container_conmon_exe(const char *exe)
{
	/* containers.conf's conmon_path defaults: root's directories only. */
	static const char *const paths[] = {
		"/usr/libexec/podman/conmon", "/usr/local/libexec/podman/conmon",
		"/usr/local/lib/podman/conmon", "/usr/bin/conmon", "/usr/sbin/conmon",
		"/usr/local/bin/conmon", "/usr/local/sbin/conmon",
	};
	static const char deleted[] = " (deleted)";

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		size_t n = strlen(paths[i]);

		if (!strncmp(exe, paths[i], n) && (!exe[n] || !strcmp(exe + n, deleted)))
			return true;
	}
	return false;
}

bool wr_proc_status_root(const char *status)
{
	const char *uid = strstr(status, "\nUid:");
	unsigned int real, effective;

	return uid && sscanf(uid + 5, "%u %u", &real, &effective) == 2 && !real && !effective;
}

bool wr_container_port_holder(const char *root, uint32_t pid, const char *comm,
			      struct wr_container *c)
{
	char path[128], args[8192], exe[PATH_MAX], status[4096];
	bool holder = false;
	ssize_t n;
	int dir;

	memset(c, 0, sizeof(*c));
	if (pid && !strcmp(comm, "docker-proxy"))
		return wr_docker_proxy_container(root, pid, c);
	if (!pid || strcmp(comm, "conmon"))	/* cheap first: nearly every holder is not */
		return false;
	/* One directory for every read: a pid reused meanwhile is not read as the same process. */
	snprintf(path, sizeof(path), "%s/proc/%u", root, pid);
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return false;
	n = readlinkat(dir, "exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		holder = wr_container_conmon_exe(exe) &&
			 wr_read_small_file_at(dir, "status", status, sizeof(status)) > 0 &&
			 wr_proc_status_root(status);
	}
	n = holder ? wr_read_small_file_at(dir, "cmdline", args, sizeof(args)) : -1;
	close(dir);
	return n > 0 && wr_container_from_conmon_args(args, (size_t)n, c);
}

void wr_container_label(const struct wr_container *c, char *buf, size_t len)
{
	if (c->pod_uid[0])
		wr_pod_label(c, buf, len);
	else if (c->name[0])
		snprintf(buf, len, "container %s (%s)", c->name, c->runtime);
	else
		snprintf(buf, len, "container %.12s (%s)", c->id, c->runtime);
}

