// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "docker_state.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "json_read.h"
#include "small_file.h"

#define MAX_DAEMONS	8
#define MAX_SCANNED	4096	/* containers read per data root, at most */
#define DAEMONS_MS	10000	/* how long the list of running dockerds is trusted */

/* --- Pure parsers of Docker's files and arguments --- */

static bool network(const char *key, const char *v, const char *end, void *arg)
{
	struct wr_docker_config *c = arg;
	static const char *const fields[] = { "IPAddress", "GlobalIPv6Address" };
	static const char *const gateways[] = { "Gateway", "IPv6Gateway" };
	const char *a;

	(void)key;
	for (size_t i = 0; i < 2 && c->n_addrs < WR_DOCKER_ADDRS; i++) {
		a = wr_json_member(v, end, fields[i]);
		if (!a || !wr_json_string(a, end, c->addrs[c->n_addrs], sizeof(c->addrs[0])) ||
		    !c->addrs[c->n_addrs][0])
			continue;
		a = wr_json_member(v, end, gateways[i]);
		if (!a || !wr_json_string(a, end, c->gateways[c->n_addrs], sizeof(c->gateways[0])))
			c->gateways[c->n_addrs][0] = '\0';
		c->n_addrs++;
	}
	return c->n_addrs < WR_DOCKER_ADDRS;
}

bool wr_docker_parse_config(const char *text, struct wr_docker_config *c)
{
	const char *end = text + strlen(text), *v;
	char raw[80];

	memset(c, 0, sizeof(*c));
	/* Top-level members only: Config's labels may hold a "Name" or an "ID" too. */
	v = wr_json_member(text, end, "ID");
	if (!v || !wr_json_string(v, end, c->id, sizeof(c->id)) || strlen(c->id) != 64)
		goto bad;
	v = wr_json_member(text, end, "Name");
	if (v && wr_json_string(v, end, raw, sizeof(raw)))
		snprintf(c->name, sizeof(c->name), "%s", raw[0] == '/' ? raw + 1 : raw);
	v = wr_json_member(text, end, "State");
	v = v ? wr_json_member(v, end, "Running") : NULL;
	c->running = wr_json_is_true(v, end);
	v = wr_json_member(text, end, "NetworkSettings");
	v = v ? wr_json_member(v, end, "Networks") : NULL;
	if (v && !wr_json_each_member(v, end, network, c))
		c->n_addrs = 0;
	return true;
bad:
	memset(c, 0, sizeof(*c));
	return false;
}

bool wr_docker_daemon_json_root(const char *text, char *out, size_t len)
{
	const char *end = text + strlen(text), *v;

	v = wr_json_member(text, end, "data-root");
	if (!v)
		v = wr_json_member(text, end, "graph");
	if (!v || !wr_json_string(v, end, out, len) || out[0] != '/') {
		if (len)
			out[0] = '\0';
		return false;
	}
	return true;
}

/* The value of option `a` (with its next argument `next`): "--opt V" or "--opt=V". */
static const char *option(const char *a, const char *next, const char *const *names)
{
	for (; *names; names++) {
		size_t n = strlen(*names);

		if (!strncmp(a, *names, n) && a[n] == '=')
			return a + n + 1;
		if (!strcmp(a, *names))
			return next;
	}
	return NULL;
}

void wr_dockerd_args(const char *args, size_t len, char *root, size_t rlen, char *config,
		     size_t clen)
{
	static const char *const root_opts[] = { "--data-root", "--graph", "-g", NULL };
	static const char *const config_opts[] = { "--config-file", NULL };
	const char *end = args + len, *a, *next, *v;

	if (rlen)
		root[0] = '\0';
	if (clen)
		config[0] = '\0';
	for (a = args; a < end; a = next) {
		const char *value_arg;

		next = a + strnlen(a, (size_t)(end - a)) + 1;
		if (next > end)
			break;	/* the last argument without its NUL */
		/* The next argument, when it ends within the buffer. */
		value_arg = next < end && memchr(next, '\0', (size_t)(end - next)) ? next : NULL;
		if ((v = option(a, value_arg, root_opts)) && *v == '/')
			snprintf(root, rlen, "%s", v);
		else if ((v = option(a, value_arg, config_opts)) && *v == '/')
			snprintf(config, clen, "%s", v);
	}
}

bool wr_docker_proxy_args(const char *args, size_t len, char *to_addr, size_t alen,
			  uint16_t *to_port)
{
	const char *end = args + len, *a, *next, *base;
	uint8_t raw[16];
	bool addr = false, port = false;
	char *e;
	long p;

	*to_port = 0;
	if (alen)
		to_addr[0] = '\0';
	if (!len || strnlen(args, len) == len)
		return false;
	base = strrchr(args, '/');
	if (strcmp(base ? base + 1 : args, "docker-proxy"))
		return false;
	for (a = args; a < end; a = next) {
		next = a + strlen(a) + 1;
		if (next >= end || strnlen(next, (size_t)(end - next)) == (size_t)(end - next))
			break;
		if (!strcmp(a, "-container-ip") && strlen(next) < alen &&
		    (inet_pton(AF_INET, next, raw) == 1 || inet_pton(AF_INET6, next, raw) == 1)) {
			snprintf(to_addr, alen, "%s", next);
			addr = true;
		} else if (!strcmp(a, "-container-port")) {
			p = strtol(next, &e, 10);
			if (*next && !*e && p > 0 && p < 65536) {
				*to_port = (uint16_t)p;
				port = true;
			}
		}
	}
	if (addr && port)
		return true;
	*to_port = 0;
	if (alen)
		to_addr[0] = '\0';
	return false;
}

bool wr_docker_exe(const char *exe, const char *prog)
{
	/* Where Debian's docker.io and Docker's own packages and static tarball put them. */
	static const char *const dirs[] = { "/usr/sbin/", "/usr/bin/", "/usr/local/bin/",
					    "/usr/local/sbin/", "/usr/libexec/docker/" };
	static const char deleted[] = " (deleted)";

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		size_t d = strlen(dirs[i]), p = strlen(prog);

		if (!strncmp(exe, dirs[i], d) && !strncmp(exe + d, prog, p) &&
		    (!exe[d + p] || !strcmp(exe + d + p, deleted)))
			return true;
	}
	return false;
}

/* --- The live host --- */

/* /proc/PID (opened as `dir`) runs with real and effective uid 0? */
static bool run_by_root_at(int dir)
{
	char status[4096];

	return wr_read_small_file_at(dir, "status", status, sizeof(status)) > 0 &&
	       wr_proc_status_root(status);
}

/* /proc/PID opened, if it runs `prog` (by its executable) as root: -1 otherwise. */
static int open_checked(const char *root, uint32_t pid, const char *prog)
{
	char path[PATH_MAX], exe[PATH_MAX];
	ssize_t n;
	int dir;

	snprintf(path, sizeof(path), "%s/proc/%u", root, pid);
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -1;
	n = readlinkat(dir, "exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (wr_docker_exe(exe, prog) && run_by_root_at(dir))
			return dir;
	}
	close(dir);
	return -1;
}

static char *slurp(const char *path, size_t max)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (buf) {
		n = fread(buf, 1, max, f);
		buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

/*
 * The data root of dockerd `pid`, as a path this process can open
 * (ROOT/proc/PID/root/DATA_ROOT); false if pid is no dockerd run by root.
 */
static bool daemon_root(const char *root, uint32_t pid, char *out, size_t len)
{
	char args[8192], data[PATH_MAX], config[PATH_MAX], path[2 * PATH_MAX], *text;
	ssize_t n;
	int dir = open_checked(root, pid, "dockerd");

	if (dir < 0)
		return false;
	n = wr_read_small_file_at(dir, "cmdline", args, sizeof(args));
	close(dir);
	if (n <= 0)
		return false;
	wr_dockerd_args(args, (size_t)n, data, sizeof(data), config, sizeof(config));
	if (!data[0]) {
		snprintf(path, sizeof(path), "%s/proc/%u/root%s", root, pid,
			 config[0] ? config : "/etc/docker/daemon.json");
		text = slurp(path, 1 << 20);
		if (!text || !wr_docker_daemon_json_root(text, data, sizeof(data)))
			snprintf(data, sizeof(data), "/var/lib/docker");
		free(text);
	}
	return (size_t)snprintf(out, len, "%s/proc/%u/root%s", root, pid, data) < len;
}

/* The data roots of the running dockerds, found by a /proc walk at most every DAEMONS_MS. */
static size_t daemon_roots(const char *root, char (*roots)[PATH_MAX], size_t max)
{
	static char cached[MAX_DAEMONS][PATH_MAX], cached_for[PATH_MAX];
	static size_t n_cached;
	static long long at;
	char path[PATH_MAX], comm[32];
	struct dirent *d;
	DIR *proc;

	if (!at || wr_now_ms() - at > DAEMONS_MS || strcmp(cached_for, root)) {
		n_cached = 0;
		snprintf(cached_for, sizeof(cached_for), "%s", root);
		snprintf(path, sizeof(path), "%s/proc", root);
		proc = opendir(path);
		while (proc && (d = readdir(proc)) && n_cached < MAX_DAEMONS) {
			char *e;
			unsigned long pid = strtoul(d->d_name, &e, 10);

			if (!isdigit((unsigned char)d->d_name[0]) || *e || pid > UINT32_MAX)
				continue;
			/* Cheap first: nearly every process is no dockerd. */
			snprintf(path, sizeof(path), "%s/proc/%lu/comm", root, pid);
			if (wr_read_small_file(path, comm, sizeof(comm)) <= 0 ||
			    strcmp(comm, "dockerd\n"))
				continue;
			if (daemon_root(root, (uint32_t)pid, cached[n_cached], PATH_MAX))
				n_cached++;
		}
		if (proc)
			closedir(proc);
		at = wr_now_ms();
	}
	for (size_t i = 0; i < n_cached && i < max; i++)
		memcpy(roots[i], cached[i], PATH_MAX);
	return n_cached < max ? n_cached : max;
}

static bool hex_id(const char *p)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)p[i]) || isupper((unsigned char)p[i]))
			return false;
	return !p[64];
}

static bool read_config(const char *data_root, const char *id, struct wr_docker_config *c)
{
	char path[PATH_MAX + 128], *text;
	bool ok;

	snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", data_root, id);
	text = slurp(path, 1 << 20);
	ok = text && wr_docker_parse_config(text, c) && !strcmp(c->id, id);
	free(text);
	return ok;
}

/*
 * The running containers of one data root by address, read whole at most
 * every TABLE_MS: each docker-proxy and each DNAT'ed refusal asks, and a
 * host with N containers runs 2N proxies, so one read serves them all.
 */
struct running {
	char addr[46];
	char gateway[46];
	char id[65];
	char name[64];
};

struct table {
	char data_root[PATH_MAX];
	long long ms;
	struct running *v;
	size_t n, cap;
};

#define TABLE_MS 2000

static void read_table(struct table *t)
{
	char path[PATH_MAX + 16];
	struct wr_docker_config c;
	struct dirent *d;
	size_t scanned = 0;
	DIR *dir;

	t->n = 0;
	t->ms = wr_now_ms();
	snprintf(path, sizeof(path), "%s/containers", t->data_root);
	dir = opendir(path);
	while (dir && scanned < MAX_SCANNED && (d = readdir(dir))) {
		if (strlen(d->d_name) != 64 || !hex_id(d->d_name))
			continue;
		scanned++;
		if (!read_config(t->data_root, d->d_name, &c) || !c.running)
			continue;
		for (size_t i = 0; i < c.n_addrs; i++) {
			if (t->n == t->cap) {
				size_t cap = t->cap ? 2 * t->cap : 16;
				struct running *v = realloc(t->v, cap * sizeof(*v));

				if (!v)
					break;
				t->v = v;
				t->cap = cap;
			}
			snprintf(t->v[t->n].addr, sizeof(t->v[0].addr), "%s", c.addrs[i]);
			snprintf(t->v[t->n].gateway, sizeof(t->v[0].gateway), "%s", c.gateways[i]);
			snprintf(t->v[t->n].id, sizeof(t->v[0].id), "%s", c.id);
			snprintf(t->v[t->n].name, sizeof(t->v[0].name), "%s", c.name);
			t->n++;
		}
	}
	if (dir)
		closedir(dir);
}

/* The running container of data root `data_root` with address `addr`. */
static bool running_at(const char *data_root, const char *addr, struct wr_container *out)
{
	static struct table tables[MAX_DAEMONS];
	static size_t next;
	struct table *t = NULL;
	size_t i;

	for (i = 0; i < MAX_DAEMONS && !t; i++)
		if (!strcmp(tables[i].data_root, data_root))
			t = &tables[i];
	if (!t) {
		t = &tables[next++ % MAX_DAEMONS];
		snprintf(t->data_root, sizeof(t->data_root), "%s", data_root);
		t->ms = 0;
	}
	if (!t->ms || wr_now_ms() - t->ms > TABLE_MS)
		read_table(t);
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].addr, addr)) {
			snprintf(out->runtime, sizeof(out->runtime), "docker");
			snprintf(out->id, sizeof(out->id), "%s", t->v[i].id);
			snprintf(out->name, sizeof(out->name), "%s", t->v[i].name);
			snprintf(out->from_addr, sizeof(out->from_addr), "%s", t->v[i].gateway);
			return true;
		}
	return false;
}

bool wr_docker_proxy_container(const char *root, uint32_t pid, struct wr_container *c)
{
	char args[8192], status[4096], data_root[PATH_MAX];
	unsigned int ppid = 0;
	const char *pp;
	ssize_t n;
	int dir = open_checked(root, pid, "docker-proxy");

	memset(c, 0, sizeof(*c));
	if (dir < 0)
		return false;
	/* One directory for every read: a pid reused meanwhile is not read as the same process. */
	n = wr_read_small_file_at(dir, "cmdline", args, sizeof(args));
	if (wr_read_small_file_at(dir, "status", status, sizeof(status)) > 0 &&
	    (pp = strstr(status, "\nPPid:")) != NULL)
		sscanf(pp + 6, "%u", &ppid);
	close(dir);
	if (n <= 0 ||
	    !wr_docker_proxy_args(args, (size_t)n, c->to_addr, sizeof(c->to_addr), &c->to_port))
		return false;
	snprintf(c->runtime, sizeof(c->runtime), "docker");
	/* dockerd started it: its data root holds the container. */
	if (ppid && daemon_root(root, ppid, data_root, sizeof(data_root)))
		running_at(data_root, c->to_addr, c);
	return true;
}

bool wr_docker_name(const char *root, const char *id, char *name, size_t len)
{
	char roots[MAX_DAEMONS][PATH_MAX];
	struct wr_docker_config c;
	size_t n = daemon_roots(root, roots, MAX_DAEMONS);

	if (strlen(id) != 64 || !hex_id(id))
		return false;
	if (n < MAX_DAEMONS)	/* dockerd not running (or not seen): its default place */
		snprintf(roots[n++], PATH_MAX, "%s/var/lib/docker", root);
	for (size_t i = 0; i < n; i++)
		if (read_config(roots[i], id, &c) && c.name[0]) {
			snprintf(name, len, "%s", c.name);
			return true;
		}
	return false;
}

bool wr_docker_container_at(const char *root, const char *addr, struct wr_container *c)
{
	char roots[MAX_DAEMONS][PATH_MAX];
	size_t n;

	memset(c, 0, sizeof(*c));
	if (!addr[0])
		return false;
	n = daemon_roots(root, roots, MAX_DAEMONS);
	for (size_t i = 0; i < n; i++)
		if (running_at(roots[i], addr, c))
			return true;
	memset(c, 0, sizeof(*c));
	return false;
}
