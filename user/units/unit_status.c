// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "unit_status.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-journal.h>
#include <systemd/sd-messages.h>

#include "clock.h"
#include "netns_exec.h"
#include "privileges.h"
#include "small_file.h"
#include "unit_syslog.h"

#define CACHE_MS		10000	/* an answer, and the port-independent view, live 10 s */
#define CACHE_PORTS		16
#define LOOKUPS_PER_WINDOW	16	/* ports looked up per CACHE_MS */
#define SAID_SCAN_ENTRIES	20000	/* journal entries read for "listening on" lines */
#define SAID_SCAN_MS		150
#define UNIT_SCAN_ENTRIES	64	/* a unit's own journal entries read for its last run */
#define SAID_MAX		64
#define SOCKETS_MAX		64
#define SSHD_PATH		"/usr/sbin/sshd"
#define SSHD_TIMEOUT_MS		2000
#define SERVICES_PATH		"/etc/services"
#define SERVICES_MAX		(256 * 1024)
#define SAME_START_US		(5 * 1000000ULL)	/* a program's "listening" lines at one start */
#define SYSLOG_TAIL_BYTES	(256 * 1024)	/* read of each syslog file, from its end */
#define SYSLOG_TAIL_LINES	4000		/* lines looked at in each */
#define SYSLOG_MAX_AGE_US	(24 * 3600 * 1000000ULL)	/* when its last start is not known */

static const char dest[] = "org.freedesktop.systemd1";
static const char manager_path[] = "/org/freedesktop/systemd1";
static const char manager_if[] = "org.freedesktop.systemd1.Manager";

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), sl = strlen(suffix);

	return n > sl && !strcmp(name + n - sl, suffix);
}

bool wr_systemd_running(void)
{
	struct stat st;

	return !lstat("/run/systemd/system", &st) && S_ISDIR(st.st_mode);
}

/* ---- a fixed command line: sshd -T ---- */

int wr_run_fixed(char *const argv[], char *out, size_t len, int timeout_ms)
{
	if (len)
		out[0] = '\0';
	if (!argv[0] || argv[0][0] != '/')
		return -EINVAL;
	return wr_run_helper(-1, 0, argv[0], argv, out, len, timeout_ms);
}

/* ---- what every port's lookup shares, refreshed every CACHE_MS ---- */

/* A socket unit's Listen entry for a TCP port. */
struct socket_listen {
	uint16_t port;
	char unit[WR_UNIT_NAME_LEN];
	char detail[WR_UNIT_LINE_LEN];	/* "ssh.socket ListenStream=[::]:22" */
};

/* A service's journal line that said where it listens, the newest per port and unit. */
struct said {
	uint16_t port;
	char unit[WR_UNIT_NAME_LEN];
	char line[WR_UNIT_LINE_LEN];
	uint64_t usec;
};

static struct {
	long long at;			/* wr_now_ms() of the refresh; 0: never */
	struct socket_listen sockets[SOCKETS_MAX];
	size_t n_sockets;
	struct said said[SAID_MAX];
	size_t n_said;
	long long sshd_at;		/* sshd -T is run apart: only when ssh is a candidate */
	uint16_t sshd_ports[8];
	size_t n_sshd;
} view;

static bool stale(long long at)
{
	return !at || wr_now_ms() - at >= CACHE_MS;
}

struct cached {
	uint16_t port;
	long long at;
	size_t n;
	struct wr_unit_facts v[WR_UNITS_MAX];
};

static struct cached cache[CACHE_PORTS];
static long long window_start;
static unsigned window_lookups;
static uint64_t skipped;

/* Each D-Bus call gets what is left of the lookup's time. */
static int bus_deadline(sd_bus *bus, long long deadline)
{
	long long left = deadline - wr_now_ms();

	if (left <= 0)
		return -ETIMEDOUT;
	return sd_bus_set_method_call_timeout(bus, (uint64_t)left * 1000);
}

/*
 * The system bus, connected and past its Hello within the deadline
 * (sd_bus_call would wait for the handshake with its own, long timeout).
 */
static sd_bus *bus_open(long long deadline)
{
	sd_bus *bus = NULL;
	int r = sd_bus_open_system(&bus);

	while (r >= 0 && (r = sd_bus_is_ready(bus)) == 0) {
		long long left = deadline - wr_now_ms();

		if (left <= 0) {
			r = -ETIMEDOUT;
			break;
		}
		r = sd_bus_process(bus, NULL);
		if (r == 0)
			r = sd_bus_wait(bus, (uint64_t)left * 1000);
		if (r > 0)
			r = 0;
	}
	if (r < 0) {
		sd_bus_flush_close_unref(bus);
		return NULL;
	}
	return bus;
}

/* The field NAME of the current entry, its first line; false when it has none. */
static bool journal_field(sd_journal *j, const char *name, char *buf, size_t len)
{
	size_t nl = strlen(name), l;
	const void *d;

	if (sd_journal_get_data(j, name, &d, &l) < 0 || l <= nl || ((const char *)d)[nl] != '=')
		return false;
	wr_unit_copy_line(buf, len, (const char *)d + nl + 1, l - nl - 1);
	return true;
}

static void add_socket(const char *unit, const char *type, const char *address)
{
	struct socket_listen *s;
	uint16_t port = wr_socket_listen_port(type, address);

	if (!port || view.n_sockets == SOCKETS_MAX)
		return;
	s = &view.sockets[view.n_sockets++];
	s->port = port;
	snprintf(s->unit, sizeof(s->unit), "%s", unit);
	snprintf(s->detail, sizeof(s->detail), "%s Listen%s=%s", unit, type, address);
}

/* The TCP ports in a socket unit's Listen property (a(ss)). */
static void read_listen(sd_bus *bus, const char *unit, const char *path, long long deadline)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	const char *type, *address;

	if (bus_deadline(bus, deadline) < 0 ||
	    sd_bus_get_property(bus, dest, path, "org.freedesktop.systemd1.Socket", "Listen",
				&err, &m, "a(ss)") < 0)
		goto out;
	if (sd_bus_message_enter_container(m, 'a', "(ss)") <= 0)
		goto out;
	while (sd_bus_message_read(m, "(ss)", &type, &address) > 0)
		add_socket(unit, type, address);
out:
	sd_bus_message_unref(m);
	sd_bus_error_free(&err);
}

/* Every loaded socket unit's TCP ports (units systemd has not loaded are not seen). */
static void read_sockets(sd_bus *bus, long long deadline)
{
	struct { char unit[WR_UNIT_NAME_LEN]; char path[256]; } *units;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	size_t n = 0;

	units = calloc(SOCKETS_MAX, sizeof(*units));
	if (!units || bus_deadline(bus, deadline) < 0 ||
	    sd_bus_call_method(bus, dest, manager_path, manager_if, "ListUnitsByPatterns", &err,
			       &m, "asas", 0, 1, "*.socket") < 0 ||
	    sd_bus_message_enter_container(m, 'a', "(ssssssouso)") <= 0)
		goto out;
	for (;;) {
		const char *name, *path, *s;
		uint32_t u;

		if (sd_bus_message_read(m, "(ssssssouso)", &name, &s, &s, &s, &s, &s, &path, &u,
					&s, &s) <= 0)
			break;
		if (n < SOCKETS_MAX && wr_unit_name_ok(name) && strlen(path) < 256) {
			snprintf(units[n].unit, sizeof(units[n].unit), "%s", name);
			snprintf(units[n].path, sizeof(units[n].path), "%s", path);
			n++;
		}
	}
	for (size_t i = 0; i < n; i++)
		read_listen(bus, units[i].unit, units[i].path, deadline);
out:
	free(units);
	sd_bus_message_unref(m);
	sd_bus_error_free(&err);
}

static void add_said(uint16_t port, const char *unit, const char *line, uint64_t usec)
{
	struct said *s;

	for (size_t i = 0; i < view.n_said; i++)
		if (view.said[i].port == port && !strcmp(view.said[i].unit, unit))
			return;	/* newest first: this one is older */
	if (view.n_said == SAID_MAX)
		return;
	s = &view.said[view.n_said++];
	s->port = port;
	s->usec = usec;
	snprintf(s->unit, sizeof(s->unit), "%s", unit);
	snprintf(s->line, sizeof(s->line), "%s", line);
}

/* One entry: does a service say where it listens? Not our own lines (we quote others'). */
static void said_entry(sd_journal *j, const char *own_pid)
{
	char line[WR_UNIT_LINE_LEN], unit[WR_UNIT_NAME_LEN], pid[16];
	const void *d;
	size_t l;
	uint64_t usec = 0;
	uint16_t port;

	if (sd_journal_get_data(j, "MESSAGE", &d, &l) < 0 || l <= 8 ||
	    !memmem((const char *)d + 8, l - 8, "istening on", 11))
		return;
	wr_unit_copy_line(line, sizeof(line), (const char *)d + 8, l - 8);
	port = wr_journal_listen_port(line);
	if (!port || !journal_field(j, "_SYSTEMD_UNIT", unit, sizeof(unit)) ||
	    !wr_unit_name_ok(unit) || !has_suffix(unit, ".service"))
		return;
	if (journal_field(j, "_PID", pid, sizeof(pid)) && !strcmp(pid, own_pid))
		return;
	sd_journal_get_realtime_usec(j, &usec);
	add_said(port, unit, line, usec);
}

/* Back from the journal's end, bounded: which service last said it listens where. */
static void read_said(sd_journal *j, long long deadline)
{
	long long stop = wr_now_ms() + SAID_SCAN_MS;
	char own_pid[16];

	if (deadline < stop)
		stop = deadline;
	snprintf(own_pid, sizeof(own_pid), "%d", (int)getpid());
	sd_journal_flush_matches(j);
	if (sd_journal_seek_tail(j) < 0)
		return;
	for (int i = 0; i < SAID_SCAN_ENTRIES && sd_journal_previous(j) > 0; i++) {
		/* The newest 64 always: a slow host still finds a fresh start's line. */
		if (i >= 64 && !(i & 63) && wr_now_ms() >= stop)
			break;
		said_entry(j, own_pid);
	}
}

/*
 * The ports sshd is configured for. It fails (and says nothing) on a bad
 * sshd_config, and on Debian whenever ssh.service is down: it wants
 * /run/sshd, the unit's RuntimeDirectory.
 */
static void read_sshd(long long deadline)
{
	static char *const argv[] = { SSHD_PATH, "-T", NULL };
	long long left = deadline - wr_now_ms();
	char *out;
	int rc;

	view.n_sshd = 0;
	if (left <= 0)
		return;
	if (access(SSHD_PATH, X_OK)) {
		view.sshd_at = wr_now_ms();
		return;
	}
	out = malloc(16384);
	if (!out)
		return;
	rc = wr_run_fixed(argv, out, 16384, left < SSHD_TIMEOUT_MS ? (int)left : SSHD_TIMEOUT_MS);
	if (rc == 0)
		view.n_sshd = wr_sshd_ports(out, view.sshd_ports, 8);
	if (rc != -ETIMEDOUT)	/* cut short by our deadline: try again next time */
		view.sshd_at = wr_now_ms();
	free(out);
}

static void refresh_view(sd_bus *bus, sd_journal *j, long long deadline)
{
	view.n_sockets = view.n_said = 0;
	read_sockets(bus, deadline);
	if (j)
		read_said(j, deadline);
	view.at = wr_now_ms();
}

/* ---- one port's candidates ---- */

struct candidate {
	char unit[WR_UNIT_NAME_LEN];
	enum wr_unit_found by;
	char detail[WR_UNIT_LINE_LEN];
};

#define CANDIDATES_MAX 12

static void add_candidate(struct candidate *c, size_t *n, const char *unit,
			  enum wr_unit_found by, const char *detail)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(c[i].unit, unit))
			return;
	if (*n == CANDIDATES_MAX || !wr_unit_name_ok(unit))
		return;
	snprintf(c[*n].unit, sizeof(c[*n].unit), "%s", unit);
	snprintf(c[*n].detail, sizeof(c[*n].detail), "%s", detail);
	c[*n].by = by;
	(*n)++;
}

static bool is_ssh_unit(const char *unit)
{
	return !strcmp(unit, "ssh.service") || !strcmp(unit, "sshd.service");
}

static void services_candidates(uint16_t port, struct candidate *c, size_t *n)
{
	char units[4][WR_UNIT_NAME_LEN], name[64], detail[96];
	char *text = malloc(SERVICES_MAX);
	size_t k;

	if (text && wr_read_small_file(SERVICES_PATH, text, SERVICES_MAX) > 0) {
		k = wr_services_units(text, port, name, sizeof(name), units, 4);
		snprintf(detail, sizeof(detail), "/etc/services: %s", name);
		for (size_t i = 0; i < k; i++)
			add_candidate(c, n, units[i], WR_UNIT_BY_SERVICES, detail);
	}
	free(text);
}

/* sshd -T says it listens there: ssh.service (Debian) or sshd.service (Red Hat). */
static void config_candidates(uint16_t port, struct candidate *c, size_t *n)
{
	char detail[64];

	for (size_t i = 0; i < view.n_sshd; i++) {
		if (view.sshd_ports[i] != port)
			continue;
		snprintf(detail, sizeof(detail), "sshd -T: port %u", port);
		add_candidate(c, n, "ssh.service", WR_UNIT_BY_CONFIG, detail);
		add_candidate(c, n, "sshd.service", WR_UNIT_BY_CONFIG, detail);
	}
}

static size_t candidates(uint16_t port, struct candidate *c)
{
	const struct said *newest = NULL;
	size_t n = 0;

	for (size_t i = 0; i < view.n_sockets; i++)
		if (view.sockets[i].port == port)
			add_candidate(c, &n, view.sockets[i].unit, WR_UNIT_BY_SOCKET,
				      view.sockets[i].detail);
	for (size_t i = 0; i < view.n_said; i++)
		if (view.said[i].port == port && (!newest || view.said[i].usec > newest->usec))
			newest = &view.said[i];
	if (newest)
		add_candidate(c, &n, newest->unit, WR_UNIT_BY_JOURNAL, newest->line);
	services_candidates(port, c, &n);
	config_candidates(port, c, &n);
	return n;
}

/* ---- a unit's properties ---- */

enum prop_type { P_STR, P_U64, P_I32, P_U32, P_EXEC, P_SERVICE, P_EXEC_NAME };

struct prop {
	const char *name;
	enum prop_type type;
	size_t off, size;
};

#define STR(n, field) { n, P_STR, offsetof(struct wr_unit_facts, field), \
			sizeof(((struct wr_unit_facts *)0)->field) }
#define NUM(n, t, field) { n, t, offsetof(struct wr_unit_facts, field), 0 }

static const struct prop unit_props[] = {
	STR("Id", unit),
	STR("LoadState", load_state),
	STR("ActiveState", active_state),
	STR("SubState", sub_state),
	STR("UnitFileState", unit_file_state),
	NUM("InactiveEnterTimestamp", P_U64, inactive_enter_usec),
	NUM("ActiveExitTimestamp", P_U64, active_exit_usec),
	NUM("ActiveEnterTimestamp", P_U64, active_enter_usec),
	NUM("InactiveExitTimestamp", P_U64, inactive_exit_usec),
	{ "Triggers", P_SERVICE, offsetof(struct wr_unit_facts, trigger),
	  sizeof(((struct wr_unit_facts *)0)->trigger) },
	{ NULL, P_STR, 0, 0 },
};

static const struct prop service_props[] = {
	STR("Result", result),
	STR("Restart", restart),
	NUM("ExecMainCode", P_I32, exec_main_code),
	NUM("ExecMainStatus", P_I32, exec_main_status),
	NUM("NRestarts", P_U32, n_restarts),
	{ "ExecStartPre", P_EXEC, 0, 0 },
	STR("SyslogIdentifier", syslog_ident),
	{ "ExecStart", P_EXEC_NAME, offsetof(struct wr_unit_facts, exec_name),
	  sizeof(((struct wr_unit_facts *)0)->exec_name) },
	{ NULL, P_STR, 0, 0 },
};

static const struct prop socket_props[] = {
	STR("Result", result),
	{ NULL, P_STR, 0, 0 },
};

static const char *const prop_sig[] = {
	[P_STR] = "s", [P_U64] = "t", [P_I32] = "i", [P_U32] = "u", [P_EXEC] = "a(sasbttttuii)",
	[P_SERVICE] = "as", [P_EXEC_NAME] = "a(sasbttttuii)",
};

/* The first service in a list of unit names (a socket's Triggers). */
static int read_service(sd_bus_message *m, char *field, size_t size)
{
	int r = sd_bus_message_enter_container(m, 'a', "s");
	const char *s;

	while (r > 0 && (r = sd_bus_message_read(m, "s", &s)) > 0)
		if (!field[0] && has_suffix(s, ".service") && wr_unit_name_ok(s))
			snprintf(field, size, "%s", s);
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

/* ExecStartPre= entries: the first that failed (sshd -t on a bad sshd_config). */
static int read_exec_pre(sd_bus_message *m, struct wr_unit_facts *f)
{
	int r = sd_bus_message_enter_container(m, 'a', "(sasbttttuii)");

	while (r > 0 && (r = sd_bus_message_enter_container(m, 'r', "sasbttttuii")) > 0) {
		uint64_t start, start_mono, end, end_mono;
		int32_t code, status;
		const char *path;
		uint32_t pid;
		int ignore;

		r = sd_bus_message_read(m, "s", &path);
		if (r >= 0)
			r = sd_bus_message_skip(m, "as");
		if (r >= 0)
			r = sd_bus_message_read(m, "bttttuii", &ignore, &start, &start_mono, &end,
						&end_mono, &pid, &code, &status);
		if (r < 0)
			return r;
		if (!f->pre.code && !ignore && code && (code != CLD_EXITED || status))
			f->pre = (struct wr_unit_exit){ .command = "ExecStartPre", .code = code,
							.status = status, .usec = end };
		r = sd_bus_message_exit_container(m);
		if (r >= 0)
			r = 1;
	}
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

/* ExecStart='s program, its file name: the tag its syslog lines have ("sshd"). */
static int read_exec_name(sd_bus_message *m, char *field, size_t size)
{
	int r = sd_bus_message_enter_container(m, 'a', "(sasbttttuii)");

	while (r > 0 && (r = sd_bus_message_enter_container(m, 'r', "sasbttttuii")) > 0) {
		const char *path, *base;

		r = sd_bus_message_read(m, "s", &path);
		if (r >= 0 && !field[0]) {
			base = strrchr(path, '/');
			base = base ? base + 1 : path;
			if (strlen(base) < size && !strpbrk(base, " [:"))
				snprintf(field, size, "%s", base);
		}
		if (r >= 0)
			r = sd_bus_message_skip(m, "asbttttuii");
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r >= 0)
			r = 1;
	}
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

static int read_prop(sd_bus_message *m, const struct prop *p, struct wr_unit_facts *f)
{
	char *field = (char *)f + p->off;
	const char *s;
	int r = sd_bus_message_enter_container(m, 'v', prop_sig[p->type]);

	if (r <= 0)
		return r < 0 ? r : -EBADMSG;
	switch (p->type) {
	case P_STR:
		r = sd_bus_message_read(m, "s", &s);
		if (r > 0)
			snprintf(field, p->size, "%s", s);
		break;
	case P_U64:
		r = sd_bus_message_read(m, "t", (uint64_t *)field);
		break;
	case P_I32:
		r = sd_bus_message_read(m, "i", (int32_t *)field);
		break;
	case P_U32:
		r = sd_bus_message_read(m, "u", (uint32_t *)field);
		break;
	case P_EXEC:
		r = read_exec_pre(m, f);
		break;
	case P_SERVICE:
		r = read_service(m, field, p->size);
		break;
	case P_EXEC_NAME:
		r = read_exec_name(m, field, p->size);
		break;
	}
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

/* The a{sv} of Properties.GetAll: the ones in `props`, of the type we expect. */
static int read_props(sd_bus_message *m, const struct prop *props, struct wr_unit_facts *f)
{
	int r = sd_bus_message_enter_container(m, 'a', "{sv}");

	while (r > 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const struct prop *p = props;
		const char *name, *contents = NULL;

		r = sd_bus_message_read(m, "s", &name);
		for (; r >= 0 && p->name && strcmp(p->name, name); p++)
			;
		if (r >= 0)
			r = sd_bus_message_peek_type(m, NULL, &contents);
		if (r >= 0 && p->name && contents && !strcmp(contents, prop_sig[p->type]))
			r = read_prop(m, p, f);
		else if (r >= 0)
			r = sd_bus_message_skip(m, "v");
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r >= 0)
			r = 1;
	}
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

static int get_all(sd_bus *bus, const char *path, const char *iface,
		   const struct prop *props, struct wr_unit_facts *f, long long deadline)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	int r = bus_deadline(bus, deadline);

	if (r >= 0)
		r = sd_bus_call_method(bus, dest, path, "org.freedesktop.DBus.Properties", "GetAll",
				       &err, &m, "s", iface);
	if (r >= 0)
		r = read_props(m, props, f);
	sd_bus_message_unref(m);
	sd_bus_error_free(&err);
	return r;
}

/* LoadUnit: its object path (systemd loads it if need be; an unknown name is not-found). */
static int unit_path(sd_bus *bus, const char *unit, char *path, size_t len, long long deadline)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	const char *p;
	int r = bus_deadline(bus, deadline);

	if (r >= 0)
		r = sd_bus_call_method(bus, dest, manager_path, manager_if, "LoadUnit", &err, &m,
				       "s", unit);
	if (r >= 0)
		r = sd_bus_message_read(m, "o", &p);
	if (r >= 0 && (size_t)snprintf(path, len, "%s", p) >= len)
		r = -ENAMETOOLONG;
	sd_bus_message_unref(m);
	sd_bus_error_free(&err);
	return r;
}

/* Its state as `systemctl show` has it; false when systemd does not know it. */
static bool read_unit(sd_bus *bus, const struct candidate *c, struct wr_unit_facts *f,
		      long long deadline)
{
	char path[256];
	bool socket;

	memset(f, 0, sizeof(*f));
	if (unit_path(bus, c->unit, path, sizeof(path), deadline) < 0 ||
	    get_all(bus, path, "org.freedesktop.systemd1.Unit", unit_props, f, deadline) < 0)
		return false;
	if (!f->active_state[0] || !strcmp(f->load_state, "not-found") || !wr_unit_name_ok(f->unit))
		return false;
	socket = has_suffix(f->unit, ".socket");
	if (!socket)
		f->trigger[0] = '\0';
	if (get_all(bus, path, socket ? "org.freedesktop.systemd1.Socket" :
					"org.freedesktop.systemd1.Service",
		    socket ? socket_props : service_props, f, deadline) < 0)
		return false;
	f->found_by = c->by;
	snprintf(f->found_detail, sizeof(f->found_detail), "%s", c->detail);
	return true;
}

/*
 * Its own last lines, newest first, where the journal scan found none (it
 * ran out of time, or the lines came from a syslog file): "Server listening
 * on :: port 2222." says the port of its last start.
 */
static void lines_port(struct wr_unit_facts *f, uint16_t port)
{
	for (size_t i = f->n_lines; i-- > 0;) {
		uint16_t p = f->lines[i].by_systemd ? 0 : wr_journal_listen_port(f->lines[i].text);

		if (!p || (f->config_port && p != port))
			continue;
		f->config_port = p;
		if (!strcmp(f->lines_from, "journal"))
			snprintf(f->config_from, sizeof(f->config_from), "its journal: %s",
				 f->lines[i].text);
		else
			snprintf(f->config_from, sizeof(f->config_from), "%s: %s", f->lines_from,
				 f->lines[i].text);
		if (p == port)
			return;
	}
}

/*
 * The port it is configured for: sshd -T for ssh; else what its journal
 * said at its newest start (a program that listens on several ports says
 * so in one burst: the refused one among them is its port).
 */
static void config_port(struct wr_unit_facts *f, uint16_t port)
{
	const struct said *newest = NULL;
	uint64_t run = f->inactive_exit_usec;

	if (is_ssh_unit(f->unit) && view.n_sshd) {
		f->config_port = view.sshd_ports[0];
		for (size_t i = 0; i < view.n_sshd; i++)
			if (view.sshd_ports[i] == port)
				f->config_port = port;
		snprintf(f->config_from, sizeof(f->config_from), "sshd -T");
		return;
	}
	/* Its last start's lines only (InactiveExitTimestamp): two starts seconds apart are two. */
	for (size_t i = 0; i < view.n_said; i++)
		if (!strcmp(view.said[i].unit, f->unit) && view.said[i].usec >= run &&
		    (!newest || view.said[i].usec > newest->usec))
			newest = &view.said[i];
	if (!newest) {
		lines_port(f, port);
		return;
	}
	f->config_port = newest->port;
	snprintf(f->config_from, sizeof(f->config_from), "its journal: %s", newest->line);
	for (size_t i = 0; i < view.n_said; i++)
		if (!strcmp(view.said[i].unit, f->unit) && view.said[i].port == port &&
		    view.said[i].usec >= run && view.said[i].usec + SAME_START_US >= newest->usec)
			f->config_port = port;
}

/* ---- a unit's last words ---- */

struct scan {
	struct wr_unit_line own[WR_UNIT_LINES], sys[WR_UNIT_LINES];
	size_t n_own, n_sys;
	unsigned starts;	/* systemd's "Starting ..." lines passed: runs gone back */
};

static void keep_line(struct wr_unit_line *v, size_t *n, const char *text, uint64_t usec,
		      int priority, bool by_systemd)
{
	if (*n == WR_UNIT_LINES)
		return;
	snprintf(v[*n].text, sizeof(v[*n].text), "%s", text);
	v[*n].usec = usec;
	v[*n].priority = priority;
	v[*n].by_systemd = by_systemd;
	(*n)++;
}

/* systemd's message that one of its processes ended (UNIT_PROCESS_EXIT). */
static void process_exit(sd_journal *j, struct wr_unit_exit *e, uint64_t usec)
{
	char code[16], status[16], command[32];
	int c;

	if (e->code || !journal_field(j, "EXIT_CODE", code, sizeof(code)) ||
	    !journal_field(j, "EXIT_STATUS", status, sizeof(status)))
		return;
	c = wr_unit_exit_code(code);
	if (!c || (c == CLD_EXITED && !strcmp(status, "0")))
		return;
	if (!journal_field(j, "COMMAND", command, sizeof(command)))
		command[0] = '\0';
	e->code = c;
	e->status = (int32_t)strtol(status, NULL, 10);
	e->usec = usec;
	snprintf(e->command, sizeof(e->command), "%s", command);
}

/* One entry, newest first: its own line, or systemd's about it. */
static void unit_entry(sd_journal *j, struct wr_unit_facts *f, struct scan *s)
{
	char text[WR_UNIT_LINE_LEN], unit[WR_UNIT_NAME_LEN], prio[4], id[40];
	uint64_t usec = 0;
	int priority = -1;

	if (journal_field(j, "PRIORITY", prio, sizeof(prio)))
		priority = prio[0] >= '0' && prio[0] <= '7' && !prio[1] ? prio[0] - '0' : -1;
	if (priority == 7 || !journal_field(j, "MESSAGE", text, sizeof(text)))
		return;
	sd_journal_get_realtime_usec(j, &usec);
	if (journal_field(j, "_SYSTEMD_UNIT", unit, sizeof(unit)) && !strcmp(unit, f->unit)) {
		if (!s->starts)
			keep_line(s->own, &s->n_own, text, usec, priority, false);
		return;
	}
	if (!journal_field(j, "MESSAGE_ID", id, sizeof(id)))
		id[0] = '\0';
	if (!strcmp(id, SD_MESSAGE_UNIT_PROCESS_EXIT_STR) && s->starts <= 1)
		process_exit(j, &f->last_exit, usec);
	if (!s->starts)
		keep_line(s->sys, &s->n_sys, text, usec, priority, true);
	if (!strcmp(id, SD_MESSAGE_UNIT_STARTING_STR))
		s->starts++;
}

/*
 * Its last run's lines (back to systemd's "Starting ..."), at most
 * WR_UNIT_LINES of its own, else systemd's; and the newest failed process
 * end of this run or the one before (a crash Restart= recovered from).
 */
static void unit_lines(sd_journal *j, struct wr_unit_facts *f, long long deadline)
{
	char match[WR_UNIT_NAME_LEN + 16];
	struct scan s = { .n_own = 0 };
	const struct wr_unit_line *v;

	sd_journal_flush_matches(j);
	snprintf(match, sizeof(match), "_SYSTEMD_UNIT=%s", f->unit);
	if (sd_journal_add_match(j, match, 0) < 0 || sd_journal_add_disjunction(j) < 0)
		return;
	snprintf(match, sizeof(match), "UNIT=%s", f->unit);
	if (sd_journal_add_match(j, match, 0) < 0 || sd_journal_seek_tail(j) < 0)
		return;
	for (int i = 0; i < UNIT_SCAN_ENTRIES && s.starts < 2 && sd_journal_previous(j) > 0;
	     i++) {
		if (!(i & 15) && wr_now_ms() >= deadline)
			break;
		unit_entry(j, f, &s);
	}
	v = s.n_own ? s.own : s.sys;
	f->n_lines = s.n_own ? s.n_own : s.n_sys;
	for (size_t i = 0; i < f->n_lines; i++)	/* oldest first */
		f->lines[i] = v[f->n_lines - 1 - i];
}

/* ---- its last words where the journal has none: the syslog files ---- */

static const char *const syslog_files[] = {
	"/var/log/auth.log", "/var/log/secure", "/var/log/syslog", "/var/log/messages",
};

/* Up to SYSLOG_TAIL_BYTES of a regular file's end into buf; *whole: from its start. */
static ssize_t read_tail(const char *path, char *buf, bool *whole)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	off_t off;
	size_t got = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	off = st.st_size > SYSLOG_TAIL_BYTES ? st.st_size - SYSLOG_TAIL_BYTES : 0;
	*whole = off == 0;
	while (got < SYSLOG_TAIL_BYTES) {
		ssize_t r = pread(fd, buf + got, SYSLOG_TAIL_BYTES - got, off + (off_t)got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return (ssize_t)got;
}

static uint64_t realtime_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The files the chosen lines came from, blank-separated, in syslog_files' order. */
static void name_files(struct wr_unit_facts *f, const uint8_t *from, size_t n)
{
	f->lines_from[0] = '\0';
	for (size_t k = 0; k < sizeof(syslog_files) / sizeof(syslog_files[0]); k++) {
		bool used = false;

		for (size_t i = 0; i < n; i++)
			used |= from[i] == k;
		if (used)
			snprintf(f->lines_from + strlen(f->lines_from),
				 sizeof(f->lines_from) - strlen(f->lines_from), "%s%s",
				 f->lines_from[0] ? " " : "", syslog_files[k]);
	}
}

/*
 * Its program's lines (tagged with its syslog identifier), else systemd's
 * about it, since its last start, from the end of each syslog file:
 * bounded in bytes, lines and time.
 */
static void syslog_lines(struct wr_unit_facts *f, long long deadline)
{
	struct wr_syslog_found found = { .n_own = 0 };
	struct wr_syslog_want want = {
		.ident = f->syslog_ident[0] ? f->syslog_ident : f->exec_name,
		.unit = f->unit, .now_usec = realtime_usec(), .local = mktime,
		.max_lines = SYSLOG_TAIL_LINES,
	};
	const struct wr_unit_line *v;
	const uint8_t *from;
	char *buf;

	if (!want.ident[0])
		want.ident = NULL;
	want.since_usec = f->inactive_exit_usec;
	if (!want.since_usec && want.now_usec > SYSLOG_MAX_AGE_US)
		want.since_usec = want.now_usec - SYSLOG_MAX_AGE_US;
	buf = malloc(SYSLOG_TAIL_BYTES);
	if (!buf)
		return;
	for (uint8_t k = 0; k < sizeof(syslog_files) / sizeof(syslog_files[0]); k++) {
		bool whole = false;
		ssize_t n;

		if (wr_now_ms() >= deadline)
			break;
		n = read_tail(syslog_files[k], buf, &whole);
		if (n > 0)
			wr_syslog_scan(buf, (size_t)n, whole, &want, k, &found);
	}
	free(buf);
	wr_syslog_last_run(&found);
	v = found.n_own ? found.own : found.sys;
	from = found.n_own ? found.own_from : found.sys_from;
	f->n_lines = found.n_own ? found.n_own : found.n_sys;
	for (size_t i = 0; i < f->n_lines; i++)	/* oldest first */
		f->lines[i] = v[f->n_lines - 1 - i];
	name_files(f, from, f->n_lines);
}

/* ---- the lookup ---- */

static bool known(const struct wr_unit_facts *v, size_t n, const char *unit)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].unit, unit))
			return true;
	return false;
}

/* One port's lookup: its candidates, and the facts read so far. */
struct lookup {
	sd_bus *bus;
	sd_journal *j;
	long long deadline;
	uint16_t port;
	struct candidate c[CANDIDATES_MAX];
	size_t nc;
	struct wr_unit_facts *v;
	size_t n, max;
};

/* A socket unit's service goes right after it: its failures are the socket's cause. */
static void insert_candidate(struct lookup *l, size_t at, const char *unit, const char *socket)
{
	struct candidate c = { .by = WR_UNIT_BY_SOCKET };

	for (size_t i = 0; i < l->nc; i++)
		if (!strcmp(l->c[i].unit, unit))
			return;
	if (at >= CANDIDATES_MAX || !wr_unit_name_ok(unit))
		return;
	snprintf(c.unit, sizeof(c.unit), "%s", unit);
	snprintf(c.detail, sizeof(c.detail), "%s starts it", socket);
	if (l->nc == CANDIDATES_MAX)
		l->nc--;	/* the last, least likely one goes */
	memmove(&l->c[at + 1], &l->c[at], (l->nc - at) * sizeof(l->c[0]));
	l->c[at] = c;
	l->nc++;
}

static void read_candidates(struct lookup *l, size_t from)
{
	for (size_t i = from; i < l->nc && l->n < l->max && wr_now_ms() < l->deadline; i++) {
		struct wr_unit_facts *f = &l->v[l->n];

		/* sshd.service is ssh.service's alias on Debian: its Id tells. */
		if (!read_unit(l->bus, &l->c[i], f, l->deadline) || known(l->v, l->n, f->unit))
			continue;
		if (f->trigger[0])
			insert_candidate(l, i + 1, f->trigger, f->unit);
		if (l->j)
			unit_lines(l->j, f, l->deadline);
		if (f->n_lines)
			snprintf(f->lines_from, sizeof(f->lines_from), "journal");
		else
			syslog_lines(f, l->deadline);
		l->n++;
	}
}

static bool any_ssh(const struct lookup *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (is_ssh_unit(l->v[i].unit))
			return true;
	return false;
}

/*
 * The units first (the facts that matter most): the port-independent view
 * gets a third of the time at most, sshd -T only what is left at the end,
 * and only when ssh is a candidate or nothing else is (the port may be
 * sshd's). Where sshd -T gets no time, the unit's own "Server listening on
 * ... port N." line tells its port (lines_port).
 */
static void look_up(struct lookup *l)
{
	long long start = wr_now_ms();

	if (stale(view.at))
		refresh_view(l->bus, l->j, start + (l->deadline - start) / 3);
	l->nc = candidates(l->port, l->c);
	read_candidates(l, 0);
	if (stale(view.sshd_at) && (!l->n || any_ssh(l))) {
		size_t before = l->nc;

		read_sshd(l->deadline);
		config_candidates(l->port, l->c, &l->nc);
		read_candidates(l, before);
	}
	for (size_t i = 0; i < l->n; i++)
		config_port(&l->v[i], l->port);
}

static size_t lookup(uint16_t port, struct wr_unit_facts *v, size_t max, long long deadline)
{
	struct lookup *l = calloc(1, sizeof(*l));
	size_t n = 0;

	if (!l)
		return 0;
	l->deadline = deadline;
	l->port = port;
	l->v = v;
	l->max = max;
	l->bus = bus_open(deadline);
	if (l->bus) {
		if (sd_journal_open(&l->j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM) < 0)
			l->j = NULL;
		else
			sd_journal_set_data_threshold(l->j, 4096);
		look_up(l);
		n = l->n;
	}
	/* Out of time with nothing found: not looked up, and counted as such. */
	if (!n && wr_now_ms() >= deadline)
		__atomic_add_fetch(&skipped, 1, __ATOMIC_RELAXED);
	if (l->j)
		sd_journal_close(l->j);
	sd_bus_flush_close_unref(l->bus);
	free(l);
	return n;
}

static struct cached *cached(uint16_t port, long long now)
{
	for (size_t i = 0; i < CACHE_PORTS; i++)
		if (cache[i].at && cache[i].port == port && now - cache[i].at < CACHE_MS)
			return &cache[i];
	return NULL;
}

/* A slot for a new answer: a free or expired one, else the oldest. */
static struct cached *cache_slot(long long now)
{
	struct cached *oldest = &cache[0];

	for (size_t i = 0; i < CACHE_PORTS; i++) {
		if (!cache[i].at || now - cache[i].at >= CACHE_MS)
			return &cache[i];
		if (cache[i].at < oldest->at)
			oldest = &cache[i];
	}
	return oldest;
}

static bool may_look_up(long long now)
{
	if (now - window_start >= CACHE_MS) {
		window_start = now;
		window_lookups = 0;
	}
	if (window_lookups == LOOKUPS_PER_WINDOW) {
		__atomic_add_fetch(&skipped, 1, __ATOMIC_RELAXED);	/* read by the loop's thread */
		return false;
	}
	window_lookups++;
	return true;
}

int wr_units_for_port(uint16_t port, struct wr_unit_facts *out, size_t max, int timeout_ms)
{
	long long now = wr_now_ms();
	struct cached *c;
	size_t n;

	if (!port || !max || timeout_ms <= 0 || !wr_systemd_running())
		return 0;
	c = cached(port, now);
	if (!c) {
		if (!may_look_up(now))
			return 0;
		c = cache_slot(now);
		c->n = lookup(port, c->v, WR_UNITS_MAX, now + timeout_ms);
		c->port = port;
		/* When it finished: a slow lookup is not stale at once. */
		c->at = wr_now_ms();
	}
	n = c->n < max ? c->n : max;
	memcpy(out, c->v, n * sizeof(*out));
	return (int)n;
}

uint64_t wr_units_skipped(void)
{
	return __atomic_load_n(&skipped, __ATOMIC_RELAXED);
}
