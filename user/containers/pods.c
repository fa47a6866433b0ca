// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "pods.h"
#include "containers.h"

#include <glob.h>
#include <stdio.h>
#include <string.h>

/* One component of a cgroup path: no '/', not NUL-terminated. */
struct comp {
	const char *p;
	size_t n;
};

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

static bool comp_is(const struct comp *k, const char *s)
{
	return k->n == strlen(s) && !memcmp(k->p, s, k->n);
}

/*
 * A pod UID as kubelet spells it, `dash` for '-' (systemd's slices use '_'):
 * a UUID 8-4-4-4-12, or a static pod's 32 hex digits (a hash of its file).
 * Copied with '-' into uid.
 */
static bool pod_uid(const char *p, size_t n, char dash, char *uid)
{
	size_t i;

	if (n == 32) {
		for (i = 0; i < n; i++)
			if (!is_hex(p[i]))
				return false;
	} else if (n == 36) {
		for (i = 0; i < n; i++) {
			bool sep = i == 8 || i == 13 || i == 18 || i == 23;

			if (sep ? p[i] != dash : !is_hex(p[i]))
				return false;
		}
	} else {
		return false;
	}
	for (i = 0; i < n; i++)
		uid[i] = p[i] == dash ? '-' : p[i];
	uid[n] = '\0';
	return true;
}

/* Exactly prefix, 64 lowercase hex digits, suffix: the container's id copied. */
static bool id_comp(const struct comp *k, const char *prefix, const char *suffix, char *id)
{
	size_t lp = strlen(prefix), ls = strlen(suffix), i;

	if (k->n != lp + 64 + ls || memcmp(k->p, prefix, lp) || memcmp(k->p + lp + 64, suffix, ls))
		return false;
	for (i = 0; i < 64; i++)
		if (!is_hex(k->p[lp + i]))
			return false;
	memcpy(id, k->p + lp, 64);
	id[64] = '\0';
	return true;
}

/* The container below a pod's cgroup, in any runtime's spelling kubelet leaves. */
static bool container_comp(const struct comp *k, char *id)
{
	return id_comp(k, "cri-containerd-", ".scope", id) || id_comp(k, "crio-", ".scope", id) ||
	       id_comp(k, "docker-", ".scope", id) || id_comp(k, "crio-", "", id) ||
	       id_comp(k, "", "", id);
}

static bool starts(const struct comp *k, const char *s)
{
	return k->n >= strlen(s) && !memcmp(k->p, s, strlen(s));
}

/* kubepods-[QOS-]pod<UID>.slice, QOS the one of the slice above (or none: Guaranteed). */
static bool systemd_pod(const struct comp *k, const char *qos, char *uid)
{
	char prefix[40];
	size_t lp;

	snprintf(prefix, sizeof(prefix), "kubepods-%s%spod", qos, qos[0] ? "-" : "");
	lp = strlen(prefix);
	return starts(k, prefix) && k->n > lp + 6 && !memcmp(k->p + k->n - 6, ".slice", 6) &&
	       pod_uid(k->p + lp, k->n - lp - 6, '_', uid);
}

#define MAX_COMPS 4	/* kubepods, QoS, pod, container */

static bool pod_of_path(const char *path, size_t len, char *uid, char *id)
{
	static const char *const qos[] = { "burstable", "besteffort" };
	struct comp v[MAX_COMPS + 1];
	const char *end = path + len, *slash;
	size_t n = 0, i, q;

	if (!len || *path != '/')
		return false;
	for (path++; n < MAX_COMPS + 1 && path < end; path = slash + 1) {
		slash = memchr(path, '/', (size_t)(end - path));
		if (!slash)
			slash = end;
		v[n].p = path;
		v[n++].n = (size_t)(slash - path);
	}
	if (n < 3)
		return false;
	/* Which QoS class's slice (or directory) comes second, if any. */
	for (q = 0; q < 2; q++) {
		char slice[40];

		snprintf(slice, sizeof(slice), "kubepods-%s.slice", qos[q]);
		if ((comp_is(&v[0], "kubepods.slice") && comp_is(&v[1], slice)) ||
		    (comp_is(&v[0], "kubepods") && comp_is(&v[1], qos[q])))
			break;
	}
	i = q < 2 ? 2 : 1;
	if (i + 1 >= n)
		return false;
	if (comp_is(&v[0], "kubepods.slice")) {
		if (!systemd_pod(&v[i], q < 2 ? qos[q] : "", uid))
			return false;
	} else if (!comp_is(&v[0], "kubepods") || !starts(&v[i], "pod") ||
		   !pod_uid(v[i].p + 3, v[i].n - 3, '-', uid)) {
		return false;
	}
	/* Anything a container nests below its own cgroup may follow. */
	return container_comp(&v[i + 1], id);
}

bool wr_pod_from_cgroup(const char *cgroup, char *uid, size_t uid_len, char *id,
			size_t id_len)
{
	char u[WR_POD_UID_LEN], cid[65];
	const char *line, *eol, *path;

	if (uid_len)
		uid[0] = '\0';
	if (id_len)
		id[0] = '\0';
	if (uid_len < WR_POD_UID_LEN || id_len < 65)
		return false;
	/* "ID:CONTROLLERS:PATH" per hierarchy (one line on cgroup v2); the first that tells. */
	for (line = cgroup; *line; line = *eol ? eol + 1 : eol) {
		eol = strchrnul(line, '\n');
		path = memchr(line, ':', (size_t)(eol - line));
		path = path ? memchr(path + 1, ':', (size_t)(eol - path - 1)) : NULL;
		if (path && pod_of_path(path + 1, (size_t)(eol - path - 1), u, cid)) {
			snprintf(uid, uid_len, "%s", u);
			snprintf(id, id_len, "%s", cid);
			return true;
		}
	}
	return false;
}

/* RFC 1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63. */
static bool dns_label(const char *p, size_t n)
{
	size_t i;

	if (!n || n > 63 || p[0] == '-' || p[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!is_hex(p[i]) && !(p[i] >= 'g' && p[i] <= 'z') && p[i] != '-')
			return false;
	return true;
}

/* RFC 1123 subdomain: labels joined by '.', at most 253. */
static bool dns_subdomain(const char *p, size_t n)
{
	const char *end = p + n, *dot;

	if (!n || n > 253)
		return false;
	for (; p <= end; p = dot + 1) {
		dot = memchr(p, '.', (size_t)(end - p));
		if (!dot)
			dot = end;
		if (!dns_label(p, (size_t)(dot - p)))
			return false;
	}
	return true;
}

bool wr_pod_log_dir(const char *dir, const char *uid, char *ns, size_t ns_len, char *name,
		    size_t name_len)
{
	size_t n = strlen(dir), ul = strlen(uid);
	const char *u1, *u2;

	if (ns_len)
		ns[0] = '\0';
	if (name_len)
		name[0] = '\0';
	if (!ul || n < ul + 4 || strcmp(dir + n - ul, uid) || dir[n - ul - 1] != '_')
		return false;
	u2 = dir + n - ul - 1;
	u1 = memchr(dir, '_', (size_t)(u2 - dir));
	if (!u1 || !dns_label(dir, (size_t)(u1 - dir)) ||
	    !dns_subdomain(u1 + 1, (size_t)(u2 - u1 - 1)) ||
	    (size_t)(u1 - dir) >= ns_len || (size_t)(u2 - u1 - 1) >= name_len)
		return false;
	snprintf(ns, ns_len, "%.*s", (int)(u1 - dir), dir);
	snprintf(name, name_len, "%.*s", (int)(u2 - u1 - 1), u1 + 1);
	return true;
}

/* The pod's namespace and name: its one directory in /var/log/pods. */
static void name_pod(const char *root, struct wr_container *c)
{
	char pattern[512];
	const char *base;
	glob_t g;

	/* The UID is hex digits and '-' (pod_uid()): no glob character. */
	snprintf(pattern, sizeof(pattern), "%s/var/log/pods/*_%s", root, c->pod_uid);
	if (glob(pattern, GLOB_NOSORT, NULL, &g))
		return;
	if (g.gl_pathc == 1) {
		base = strrchr(g.gl_pathv[0], '/');
		base = base ? base + 1 : g.gl_pathv[0];
		wr_pod_log_dir(base, c->pod_uid, c->pod_ns, sizeof(c->pod_ns), c->pod_name,
			       sizeof(c->pod_name));
	}
	globfree(&g);
}

bool wr_pod_of_cgroup(const char *root, const char *cgroup, struct wr_container *c)
{
	char id[65];

	if (!wr_pod_from_cgroup(cgroup, c->pod_uid, sizeof(c->pod_uid), id, sizeof(id)))
		return false;
	if (!c->runtime[0]) {
		/* cgroupfs's bare id does not say which runtime: kubelet's pod it is. */
		snprintf(c->runtime, sizeof(c->runtime), "kubernetes");
		snprintf(c->id, sizeof(c->id), "%s", id);
	}
	name_pod(root, c);
	return true;
}

void wr_pod_label(const struct wr_container *c, char *buf, size_t len)
{
	if (c->pod_name[0])
		snprintf(buf, len, "pod %s/%s (kubernetes)", c->pod_ns, c->pod_name);
	else
		snprintf(buf, len, "pod %s (kubernetes)", c->pod_uid);
}
