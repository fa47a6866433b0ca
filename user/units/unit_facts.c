// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "unit_facts.h"

#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "shell_quote.h"
#include "utf8.h"

/* 1-65535 from exactly `n` digits; 0 for anything else. */
static uint16_t parse_port(const char *s, size_t n)
{
	unsigned v = 0;

	if (!n || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= 65535 ? (uint16_t)v : 0;
}

/*
 * HOST:PORT: an IPv4 address or a name (no ':'), or "[IPv6]". `loose`
 * also takes what programs print themselves: ":8080", "*:80", ":::22".
 */
static uint16_t host_port(const char *s, size_t n, bool loose)
{
	const char *colon = NULL;
	size_t hl;

	for (size_t i = 0; i < n; i++)
		if (s[i] == ':')
			colon = s + i;
	if (!colon)
		return 0;
	hl = (size_t)(colon - s);
	if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']')
		return parse_port(colon + 1, n - hl - 1);
	if (loose && (hl == 0 || (hl == 2 && !memcmp(s, "::", 2))))
		return parse_port(colon + 1, n - hl - 1);
	if (!hl)
		return 0;
	/* An IPv4 address or a host name; "*" from a program's own words. */
	for (size_t i = 0; i < hl; i++)
		if (!isalnum((unsigned char)s[i]) && !(s[i] && strchr(".-_", s[i])) &&
		    !(loose && s[i] == '*'))
			return 0;
	return parse_port(colon + 1, n - hl - 1);
}

static bool unit_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == ':' || c == '-' || c == '_' || c == '.' || c == '\\' || c == '@';
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t sl = strlen(suffix);

	return n > sl && !memcmp(s + n - sl, suffix, sl);
}

bool wr_unit_name_ok(const char *name)
{
	size_t n = strnlen(name, WR_UNIT_NAME_LEN);
	const char *at;

	/* A leading '-' would be read as an option, quoted or not. */
	if (!n || n >= WR_UNIT_NAME_LEN || name[0] == '-' || name[0] == '@' || name[0] == '.')
		return false;
	if (!ends_with(name, n, ".service") && !ends_with(name, n, ".socket"))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!unit_char(name[i]))
			return false;
	at = strchr(name, '@');
	return !at || !strchr(at + 1, '@');
}

/* Adds NAME SUFFIX to units, once each, if it is a valid unit name. */
static void add_unit(char (*units)[WR_UNIT_NAME_LEN], size_t *n, size_t max, const char *name,
		     size_t nl, const char *suffix)
{
	char u[WR_UNIT_NAME_LEN];

	if (*n == max || nl + strlen(suffix) >= sizeof(u))
		return;
	snprintf(u, sizeof(u), "%.*s%s", (int)nl, name, suffix);
	if (!wr_unit_name_ok(u))
		return;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(units[i], u))
			return;
	memcpy(units[*n], u, sizeof(u));
	(*n)++;
}

#define SERVICES_FIELDS 8

/* The blank-separated fields of a line before its '#': how many, at most `max`. */
static size_t split_fields(const char *line, size_t n, const char **f, size_t *fl, size_t max)
{
	size_t nf = 0, i = 0;

	while (i < n && line[i] != '#' && nf < max) {
		if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
			i++;
			continue;
		}
		f[nf] = line + i;
		while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
		       line[i] != '#')
			i++;
		fl[nf] = (size_t)(line + i - f[nf]);
		nf++;
	}
	return nf;
}

/* "22/tcp" for port 22? */
static bool is_tcp_port(const char *s, size_t n, uint16_t port)
{
	const char *slash = memchr(s, '/', n);

	return slash && parse_port(s, (size_t)(slash - s)) == port &&
	       n - (size_t)(slash - s) == 4 && !strncasecmp(slash, "/tcp", 4);
}

size_t wr_services_units(const char *text, uint16_t port, char *name, size_t name_len,
			 char (*units)[WR_UNIT_NAME_LEN], size_t max)
{
	const char *f[SERVICES_FIELDS], *line, *next;
	size_t fl[SERVICES_FIELDS], n = 0;

	if (name_len)
		name[0] = '\0';
	for (line = text; port && *line; line = next) {
		size_t ll = strcspn(line, "\n"), nf;

		next = line + ll + (line[ll] ? 1 : 0);
		nf = split_fields(line, ll, f, fl, SERVICES_FIELDS);
		if (nf < 2 || !is_tcp_port(f[1], fl[1], port))
			continue;
		if (name_len)
			snprintf(name, name_len, "%.*s", (int)fl[0], f[0]);
		add_unit(units, &n, max, f[0], fl[0], ".service");
		/* The daemon's name: sshd for ssh (Red Hat's unit, Debian's alias). */
		if (f[0][fl[0] - 1] != 'd')
			add_unit(units, &n, max, f[0], fl[0], "d.service");
		for (size_t i = 2; i < nf; i++)
			add_unit(units, &n, max, f[i], fl[i], ".service");
		return n;
	}
	return 0;
}

uint16_t wr_socket_listen_port(const char *type, const char *address)
{
	size_t n = strlen(address);

	if (strcmp(type, "Stream"))
		return 0;
	/* ListenStream=22 as systemd prints it back when IPv6 is off. */
	if (n && strspn(address, "0123456789") == n)
		return parse_port(address, n);
	return host_port(address, n, false);
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* "port 22", "port: 22", "port=22" as a word, on this line: 22, or 0. */
static uint16_t port_word(const char *s, size_t n)
{
	for (size_t i = 0; i + 4 < n; i++) {
		size_t j = i + 4, d;

		if (strncasecmp(s + i, "port", 4) || (i && word_char(s[i - 1])))
			continue;
		while (j < n && (s[j] == ' ' || s[j] == ':' || s[j] == '='))
			j++;
		for (d = j; d < n && s[d] >= '0' && s[d] <= '9'; d++)
			;
		if (d > j && j > i + 4 && (d == n || !word_char(s[d])))
			return parse_port(s + j, d - j);
	}
	return 0;
}

/* The address right after "listening on": "0.0.0.0:80", "http://[::]:8080/", "address=:9100". */
static uint16_t address_word(const char *s, size_t n)
{
	const char *t, *p;
	size_t i = 0, tl;

	while (i < n && (s[i] == ' ' || s[i] == '"' || s[i] == '\''))
		i++;
	t = s + i;
	while (i < n && !strchr(" \t\"',;()<>", s[i]))
		i++;
	tl = (size_t)(s + i - t);
	while (tl && (t[tl - 1] == '.' || t[tl - 1] == '/'))
		tl--;
	p = memchr(t, '=', tl);
	if (p) {	/* logfmt: address=[::]:9100 */
		tl -= (size_t)(p + 1 - t);
		t = p + 1;
	}
	for (size_t k = 0; k + 3 <= tl; k++) {
		if (!memcmp(t + k, "://", 3)) {
			tl -= k + 3;
			t += k + 3;
			break;
		}
	}
	p = memchr(t, '/', tl);	/* a URL's path */
	if (p)
		tl = (size_t)(p - t);
	return host_port(t, tl, true);
}

uint16_t wr_journal_listen_port(const char *message)
{
	static const char key[] = "listening on";
	const char *p = message;

	while ((p = strcasestr(p, key)) != NULL) {
		size_t n;
		uint16_t port;

		p += sizeof(key) - 1;
		n = strcspn(p, "\n");
		port = address_word(p, n);
		if (!port)
			port = port_word(p, n);
		if (port)
			return port;
	}
	return 0;
}

static void add_port(uint16_t *ports, size_t *n, size_t max, uint16_t port)
{
	for (size_t i = 0; i < *n; i++)
		if (ports[i] == port)
			return;
	if (port && *n < max)
		ports[(*n)++] = port;
}

size_t wr_sshd_ports(const char *text, uint16_t *ports, size_t max)
{
	uint16_t plain[16];
	size_t n = 0, np = 0;
	const char *line, *next;

	for (line = text; *line; line = next) {
		size_t ll = strcspn(line, "\n"), vl;
		const char *v;

		next = line + ll + (line[ll] ? 1 : 0);
		v = memchr(line, ' ', ll);
		if (!v)
			continue;
		v++;
		vl = strcspn(v, " \r\n");	/* "0.0.0.0:22 rdomain x": the address only */
		if ((size_t)(v - line) == 14 && !strncmp(line, "listenaddress ", 14))
			add_port(ports, &n, max, host_port(v, vl, false));
		else if ((size_t)(v - line) == 5 && !strncmp(line, "port ", 5))
			add_port(plain, &np, sizeof(plain) / sizeof(plain[0]), parse_port(v, vl));
	}
	if (n)
		return n;
	for (size_t i = 0; i < np; i++)
		add_port(ports, &n, max, plain[i]);
	return n;
}

int wr_unit_exit_code(const char *name)
{
	if (!strcmp(name, "exited"))
		return CLD_EXITED;
	if (!strcmp(name, "killed"))
		return CLD_KILLED;
	if (!strcmp(name, "dumped"))
		return CLD_DUMPED;
	return 0;
}

/* dst's length of at most `room` bytes that ends on a character boundary. */
static size_t char_boundary(const char *s, size_t n, size_t room)
{
	size_t o = 0;

	while (o < n && o < room) {
		uint32_t cp;
		size_t cl = wr_utf8_next(s + o, n - o, &cp);

		if (!cl)	/* an invalid byte: the output replaces it, one byte */
			cl = 1;
		if (o + cl > room)
			break;
		o += cl;
	}
	return o;
}

void wr_unit_copy_line(char *dst, size_t len, const char *src, size_t n)
{
	size_t l = 0, o;

	if (!len)
		return;
	while (l < n && src[l] && src[l] != '\n')
		l++;
	o = char_boundary(src, l, len - 1);
	while (o && (src[o - 1] == ' ' || src[o - 1] == '\t' || src[o - 1] == '\r'))
		o--;
	memcpy(dst, src, o);
	dst[o] = '\0';
}

/* ---- the words ---- */

static bool is(const char *a, const char *b)
{
	return !strcmp(a, b);
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool crash_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	       sig == SIGABRT || sig == SIGSYS || sig == SIGTRAP;
}

static bool by_signal(int code)
{
	return code == CLD_KILLED || code == CLD_DUMPED;
}

static enum wr_unit_verdict decide_active(const struct wr_unit_facts *f,
					  const struct wr_unit_words_ctx *ctx)
{
	if (f->config_port && f->config_port != ctx->port)
		return WR_UNIT_OTHER_PORT;
	if (ctx->refused_usec && f->active_enter_usec > ctx->refused_usec)
		return WR_UNIT_RESTARTED;
	return is(f->active_state, "active") ? WR_UNIT_RUNNING : WR_UNIT_CHANGING;
}

static enum wr_unit_verdict decide(const struct wr_unit_facts *f,
				   const struct wr_unit_words_ctx *ctx)
{
	const char *a = f->active_state;

	if (!f->unit[0] || !a[0])
		return WR_UNIT_NOTHING;
	if (is(f->load_state, "masked") || starts(f->unit_file_state, "masked"))
		return WR_UNIT_MASKED;
	if (is(a, "active") || is(a, "reloading"))
		return decide_active(f, ctx);
	if (is(a, "activating") && is(f->sub_state, "auto-restart"))
		return WR_UNIT_RESTARTING;
	if (!is(a, "inactive") && !is(a, "failed"))
		return WR_UNIT_CHANGING;
	if (is(f->result, "start-limit-hit") || is(f->result, "service-start-limit-hit"))
		return WR_UNIT_START_LIMIT;
	if (is(a, "inactive") && (!f->result[0] || is(f->result, "success")))
		return WR_UNIT_STOPPED;
	if (by_signal(f->exec_main_code) || is(f->result, "signal") ||
	    is(f->result, "core-dump") || is(f->result, "oom-kill"))
		return WR_UNIT_CRASHED;
	return WR_UNIT_FAILED;
}

const char *wr_unit_verdict_name(enum wr_unit_verdict v)
{
	static const char *const names[] = {
		[WR_UNIT_NOTHING] = "nothing",		[WR_UNIT_STOPPED] = "stopped",
		[WR_UNIT_FAILED] = "failed",		[WR_UNIT_CRASHED] = "crashed",
		[WR_UNIT_START_LIMIT] = "start_limit",	[WR_UNIT_RESTARTING] = "restarting",
		[WR_UNIT_MASKED] = "masked",		[WR_UNIT_OTHER_PORT] = "other_port",
		[WR_UNIT_RESTARTED] = "restarted",	[WR_UNIT_RUNNING] = "running",
		[WR_UNIT_CHANGING] = "changing",
	};

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "nothing";
}

/* What the words are built from: the facts, the caller's clock, the quoted name. */
struct words {
	const struct wr_unit_facts *f;
	const struct wr_unit_words_ctx *ctx;
	struct wr_unit_advice *out;
	char unit[WR_QUOTED_LEN];
	char s[WR_UNIT_TEXT_LEN];	/* the sentence so far */
};

static void say(struct words *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct words *w, const char *fmt, ...)
{
	size_t n = strlen(w->s);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->s + n, sizeof(w->s) - n, fmt, ap);
	va_end(ap);
}

/* A command is whole or absent: a cut one would run something else. */
static void command(struct words *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void command(struct words *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(w->out->command, sizeof(w->out->command), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(w->out->command))
		w->out->command[0] = '\0';
}

static bool local_tm(const struct words *w, uint64_t usec, struct tm *tm)
{
	time_t t = (time_t)(usec / 1000000);

	return w->ctx->local ? w->ctx->local(&t, tm) != NULL : localtime_r(&t, tm) != NULL;
}

/* "23:40:01", with the date when it is not the refusal's day. */
static const char *clock_of(const struct words *w, uint64_t usec, char *buf, size_t len)
{
	struct tm tm, ref;
	uint64_t r = w->ctx->refused_usec ? w->ctx->refused_usec : usec;

	if (!local_tm(w, usec, &tm) || !local_tm(w, r, &ref))
		snprintf(buf, len, "?");
	else if (tm.tm_year == ref.tm_year && tm.tm_yday == ref.tm_yday)
		strftime(buf, len, "%H:%M:%S", &tm);
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

/* journalctl's --since, a minute before `usec`: the lines that led there. */
static const char *since_of(const struct words *w, uint64_t usec, char *buf, size_t len)
{
	struct tm tm;

	if (usec < 60000000ULL || !local_tm(w, usec - 60000000ULL, &tm))
		snprintf(buf, len, "today");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

static bool is_socket(const struct wr_unit_facts *f)
{
	return ends_with(f->unit, strlen(f->unit), ".socket");
}

/* Its lines came from syslog files, not the journal (unit_syslog.h). */
static bool from_files(const struct wr_unit_facts *f)
{
	return f->n_lines && f->lines_from[0] == '/';
}

/* Where its last words come from, after them: the files anyone may write a line to. */
static void words_from(struct words *w)
{
	if (from_files(w->f))
		say(w, " (%s)", w->f->lines_from);
}

/* Its lines in the syslog files they came from: its program's tag, else its name. */
static void look_files(struct words *w)
{
	const struct wr_unit_facts *f = w->f;
	const char *ident = f->syslog_ident[0] ? f->syslog_ident : f->exec_name;
	char pattern[WR_UNIT_NAME_LEN + 2], quoted[WR_QUOTED_LEN];

	if (!f->lines[0].by_systemd && ident[0])
		snprintf(pattern, sizeof(pattern), "%s[", ident);
	else
		snprintf(pattern, sizeof(pattern), "%s", f->unit);
	command(w, "grep -F -- %s %s", wr_shell_quote(pattern, quoted, sizeof(quoted)),
		f->lines_from);
}

/* Its journal, and its service's for a socket unit, from a minute before `usec`. */
static void look_journal(struct words *w, uint64_t usec)
{
	char since[48] = "", when[32], also[WR_QUOTED_LEN + 8] = "", service[WR_QUOTED_LEN];

	if (from_files(w->f)) {
		look_files(w);
		return;
	}

	if (is_socket(w->f) && w->f->trigger[0])
		snprintf(also, sizeof(also), " -u %s",
			 wr_shell_quote(w->f->trigger, service, sizeof(service)));
	if (usec)
		snprintf(since, sizeof(since), " --since '%s'",
			 since_of(w, usec, when, sizeof(when)));
	command(w, "journalctl -u %s%s -b%s", w->unit, also, since);
}

static void head(struct words *w)
{
	const struct wr_unit_facts *f = w->f;

	say(w, "%s should listen here", f->unit);
	if (f->found_by == WR_UNIT_BY_JOURNAL)
		say(w, " (its journal: \"%s\")", f->found_detail);
	else if (f->found_by != WR_UNIT_BY_NONE && f->found_detail[0])
		say(w, " (%s)", f->found_detail);
}

/* "inactive (dead)" */
static void state(struct words *w)
{
	if (w->f->sub_state[0])
		say(w, "%s (%s)", w->f->active_state, w->f->sub_state);
	else
		say(w, "%s", w->f->active_state);
}

/* "exit status 255", "crashed (SIGSEGV, core dumped)", "killed (SIGKILL)" */
static void exit_words(char *buf, size_t len, int code, int status)
{
	const char *sig = sigabbrev_np(status);
	char name[24];

	if (sig)
		snprintf(name, sizeof(name), "SIG%s", sig);
	else
		snprintf(name, sizeof(name), "signal %d", status);
	if (code == CLD_EXITED)
		snprintf(buf, len, "exit status %d", status);
	else if (code == CLD_DUMPED)
		snprintf(buf, len, "crashed (%s, core dumped)", name);
	else if (code == CLD_KILLED && crash_signal(status))
		snprintf(buf, len, "crashed (%s)", name);
	else if (code == CLD_KILLED)
		snprintf(buf, len, "was killed (%s)", name);
	else
		buf[0] = '\0';
}

/*
 * Why its start failed: its main process's exit status, else the
 * ExecStartPre= that failed (sshd -t on a bad sshd_config), else the
 * journal's newest failed process. "" when none is known.
 */
static void failure_words(const struct wr_unit_facts *f, char *buf, size_t len)
{
	const struct wr_unit_exit *e = &f->pre;

	buf[0] = '\0';
	if (f->exec_main_code == CLD_EXITED && f->exec_main_status) {
		exit_words(buf, len, f->exec_main_code, f->exec_main_status);
		return;
	}
	if (by_signal(f->exec_main_code)) {
		exit_words(buf, len, f->exec_main_code, f->exec_main_status);
		return;
	}
	if (!e->code)
		e = &f->last_exit;
	if (e->code == CLD_EXITED && e->status)
		snprintf(buf, len, "exit status %d of its %s", e->status,
			 e->command[0] ? e->command : "start command");
	else if (by_signal(e->code))
		exit_words(buf, len, e->code, e->status);
}

/* What a Result= other than exit-code means, for services and sockets. */
static const char *result_words(const char *result, bool socket)
{
	static const struct {
		const char *result, *words;
	} t[] = {
		{ "timeout", "it timed out" },
		{ "oom-kill", "killed by the OOM killer" },
		{ "watchdog", "its watchdog fired" },
		{ "exec-condition", "its ExecCondition= said no" },
		{ "trigger-limit-hit", "trigger-limit-hit: activated too often" },
		{ "protocol", "it broke the start-up protocol (Type=notify or forking)" },
	};

	if (is(result, "resources"))
		return socket ? "resources: it could not listen, is the address in use?" :
				"resources: something it needs could not be set up";
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (is(result, t[i].result))
			return t[i].words;
	return NULL;
}

/*
 * Its last words: the first line of its last run at error priority or
 * worse (the cause comes before "terminating"), else at warning; else,
 * for a start that failed, its first line at all: what a program writes
 * to stderr is at info in the journal (sshd -t's "Bad configuration
 * option"). systemd's own lines say what its state says already.
 */
static const char *last_words(const struct wr_unit_facts *f, bool any)
{
	size_t n = f->n_lines < WR_UNIT_LINES ? f->n_lines : WR_UNIT_LINES;

	for (int worst = 3; worst <= (any ? 7 : 4); worst++) {
		for (size_t i = 0; i < n; i++) {
			const struct wr_unit_line *l = &f->lines[i];

			/* Not known: as the journal stores a line without one, info. */
			if (!l->by_systemd && (l->priority < 0 ? 6 : l->priority) <= worst &&
			    l->text[0])
				return l->text;
		}
	}
	return NULL;
}

/* Started at boot or not, and what to run to have it listen again. */
static void boot_and_start(struct words *w, bool stopped_since_boot)
{
	const char *ufs = w->f->unit_file_state;

	if (is(ufs, "disabled")) {
		say(w, "; it is disabled (it will not start at boot)");
		command(w, "systemctl enable --now %s", w->unit);
		return;
	}
	if (starts(ufs, "enabled") && stopped_since_boot)
		say(w, "; it is enabled: it started at boot, and was stopped since");
	else if (starts(ufs, "enabled"))
		say(w, "; it is enabled, yet it did not start at boot (a dependency or "
		       "condition failed?)");
	else if (is(ufs, "static"))
		say(w, "; it is static (it starts only when another unit pulls it in)");
	else if (is(ufs, "indirect"))
		say(w, "; it is indirect (another unit, such as its socket, starts it)");
	else if (ufs[0])
		say(w, "; its unit file is %s", ufs);
	command(w, "systemctl start %s", w->unit);
}

static bool is_sshd(const struct wr_unit_facts *f)
{
	return starts(f->config_from, "sshd -T");
}

static bool is_ssh_unit(const struct wr_unit_facts *f)
{
	return is(f->unit, "ssh.service") || is(f->unit, "sshd.service") || is_sshd(f);
}

/* Where the port comes from: "sshd_config: Port 2222, per sshd -T", "its journal: ...". */
static void config_words(struct words *w)
{
	const struct wr_unit_facts *f = w->f;

	if (is_sshd(f))
		say(w, "sshd_config: Port %u, per sshd -T", f->config_port);
	else
		say(w, "%s", f->config_from);
}

/* "ssh -p 2222 192.0.2.1": what a client of sshd on another port runs; "" for others. */
static void ssh_command(const struct words *w, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!is_ssh_unit(w->f) || !w->f->config_port)
		return;
	/* An address is digits, dots, colons and hex: nothing to quote. */
	if (w->ctx->host && w->ctx->host[0] && strspn(w->ctx->host, "0123456789abcdefABCDEF.:") ==
						   strlen(w->ctx->host))
		snprintf(buf, len, "ssh -p %u %s", w->f->config_port, w->ctx->host);
	else
		snprintf(buf, len, "ssh -p %u", w->f->config_port);
}

/* A configured port that is not this one, said where it changes the answer. */
static void other_port(struct words *w)
{
	const struct wr_unit_facts *f = w->f;
	char ssh[96];

	if (!f->config_port || f->config_port == w->ctx->port)
		return;
	say(w, "; it is configured for port %u (", f->config_port);
	config_words(w);
	say(w, "), not %u", w->ctx->port);
	ssh_command(w, ssh, sizeof(ssh));
	if (ssh[0])
		say(w, ": once it runs, %s", ssh);
}

static void say_stopped(struct words *w)
{
	const struct wr_unit_facts *f = w->f;
	char t[32];
	bool since_boot = f->inactive_enter_usec || f->active_exit_usec;

	say(w, ": it is ");
	state(w);
	if (since_boot)
		say(w, " since %s, stopped cleanly",
		    clock_of(w, f->inactive_enter_usec ? f->inactive_enter_usec :
							 f->active_exit_usec, t, sizeof(t)));
	else if (f->n_lines)	/* unloaded since (a disabled unit is collected): no times */
		say(w, ", last heard of at %s",
		    clock_of(w, f->lines[f->n_lines - 1].usec, t, sizeof(t)));
	boot_and_start(w, since_boot);
	other_port(w);
}

static void say_failed(struct words *w)
{
	const struct wr_unit_facts *f = w->f;
	const char *why = result_words(f->result, is_socket(f)), *words = last_words(f, true);
	char t[32], detail[96];

	failure_words(f, detail, sizeof(detail));
	say(w, ": it failed at %s (", clock_of(w, f->inactive_enter_usec, t, sizeof(t)));
	if (why)
		say(w, "%s", why);
	else if (detail[0])
		say(w, "%s", detail);
	else if (is(f->result, "exit-code"))
		say(w, "its start command failed");
	else
		say(w, "result %s", f->result[0] ? f->result : "not known");
	if (f->n_restarts)
		say(w, ", after %u restart%s", f->n_restarts, f->n_restarts > 1 ? "s" : "");
	say(w, ")");
	if (words) {
		say(w, ": %s", words);
		words_from(w);
	}
	other_port(w);
	look_journal(w, f->inactive_enter_usec);
}

static void say_start_limit(struct words *w)
{
	const struct wr_unit_facts *f = w->f;
	const char *words = last_words(f, true);
	char t[32], detail[96];

	failure_words(f, detail, sizeof(detail));
	say(w, ": it failed at %s (", clock_of(w, f->inactive_enter_usec, t, sizeof(t)));
	if (detail[0])
		say(w, "%s; ", detail);
	if (f->n_restarts)	/* a socket unit counts none: its service restarted */
		say(w, "%s after %u restart%s: systemd gave up)", f->result, f->n_restarts,
		    f->n_restarts == 1 ? "" : "s");
	else if (is_socket(f) && f->trigger[0])
		say(w, "%s: %s kept failing, systemd gave up)", f->result, f->trigger);
	else
		say(w, "%s: systemd gave up)", f->result);
	if (words) {
		say(w, ": %s", words);
		words_from(w);
	}
	other_port(w);
	look_journal(w, f->inactive_enter_usec);
}

static void say_crashed(struct words *w)
{
	const struct wr_unit_facts *f = w->f;
	const char *words = last_words(f, false);
	char t[32], how[96];

	if (is(f->result, "oom-kill"))
		snprintf(how, sizeof(how), "was killed by the OOM killer");
	else if (by_signal(f->exec_main_code))
		exit_words(how, sizeof(how), f->exec_main_code, f->exec_main_status);
	else
		snprintf(how, sizeof(how), "was killed by a signal");
	say(w, ": it %s at %s", how, clock_of(w, f->inactive_enter_usec, t, sizeof(t)));
	if (is(f->restart, "no"))
		say(w, ", Restart=no: it stays down");
	else if (f->restart[0])
		say(w, ", Restart=%s did not bring it back", f->restart);
	if (words) {
		say(w, "; its last words: %s", words);
		words_from(w);
	}
	command(w, "systemctl start %s", w->unit);
}

/* How its newest process ended: "crashed (SIGSEGV)", "exited with status 1 (ExecStartPre)". */
static void ended_words(const struct wr_unit_exit *e, char *buf, size_t len)
{
	if (e->code != CLD_EXITED) {
		exit_words(buf, len, e->code, e->status);
		return;
	}
	if (e->command[0] && strcmp(e->command, "ExecStart"))
		snprintf(buf, len, "exited with status %d (%s)", e->status, e->command);
	else
		snprintf(buf, len, "exited with status %d", e->status);
}

static void say_restarting(struct words *w)
{
	const struct wr_unit_facts *f = w->f;
	const struct wr_unit_exit *e = &f->last_exit;
	const char *words = last_words(f, false);
	char t[32], how[96] = "";

	say(w, ": it is between restarts (");
	state(w);
	say(w, ")");
	if (e->code)
		ended_words(e, how, sizeof(how));
	if (how[0] && e->usec)
		say(w, " after it %s at %s", how, clock_of(w, e->usec, t, sizeof(t)));
	else if (how[0])
		say(w, " after it %s", how);
	say(w, ", %u restart%s so far", f->n_restarts, f->n_restarts == 1 ? "" : "s");
	if (words) {
		say(w, ": %s", words);
		words_from(w);
	}
	look_journal(w, e->usec ? e->usec : w->ctx->refused_usec);
}

static void say_other_port(struct words *w)
{
	const struct wr_unit_facts *f = w->f;
	char ssh[96];

	say(w, ": it is ");
	state(w);
	say(w, " but configured for port %u (", f->config_port);
	config_words(w);
	say(w, ")");
	ssh_command(w, ssh, sizeof(ssh));
	if (ssh[0])
		command(w, "%s", ssh);
	else
		command(w, "ss -ltnp 'sport = :%u'", f->config_port);
}

static void say_restarted(struct words *w)
{
	const struct wr_unit_facts *f = w->f;
	char t[32], t2[32], detail[96] = "";

	say(w, ": it is ");
	state(w);
	say(w, " again since %s, after this refusal", clock_of(w, f->active_enter_usec, t,
								sizeof(t)));
	if (f->last_exit.code)
		ended_words(&f->last_exit, detail, sizeof(detail));
	if (detail[0] && f->last_exit.usec)
		say(w, ": it %s at %s", detail, clock_of(w, f->last_exit.usec, t2, sizeof(t2)));
	else if (detail[0])
		say(w, ": it %s", detail);
	if (f->n_restarts && f->restart[0])
		say(w, "%s Restart=%s restarted it (%u restart%s)", detail[0] ? " and" : ":",
		    f->restart, f->n_restarts, f->n_restarts == 1 ? "" : "s");
	else
		say(w, "%s it was started again", detail[0] ? " and" : ":");
	look_journal(w, w->ctx->refused_usec);
}

static void say_running(struct words *w)
{
	const struct wr_unit_facts *f = w->f;
	char t[32];

	say(w, ": it is ");
	state(w);
	if (f->active_enter_usec)
		say(w, " since %s", clock_of(w, f->active_enter_usec, t, sizeof(t)));
	if (w->ctx->refused_usec && f->active_enter_usec)
		say(w, ", before this refusal");
	if (f->config_port == w->ctx->port)
		say(w, ", configured for this port (%s)", f->config_from);
	say(w, ": does it listen on another address, or in another network namespace?");
	command(w, "systemctl status %s", w->unit);
}

static void say_masked(struct words *w)
{
	say(w, ": it is masked (it cannot be started, not even by hand)");
	command(w, "systemctl unmask %s && systemctl start %s", w->unit, w->unit);
}

static void say_changing(struct words *w)
{
	say(w, ": it is ");
	state(w);
	say(w, " right now");
	command(w, "systemctl status %s", w->unit);
}

/* The sentence, cut at a character if need be, then the command whole. */
static void finish(struct words *w)
{
	struct wr_unit_advice *out = w->out;
	size_t cl = strlen(out->command), room = sizeof(out->text) - 1, sl;

	if (cl && cl + 4 <= room / 2)
		room -= cl + 4;
	else
		cl = 0;
	sl = char_boundary(w->s, strlen(w->s), room);
	memcpy(out->text, w->s, sl);
	if (cl)
		snprintf(out->text + sl, sizeof(out->text) - sl, " -- %s", out->command);
	else
		out->text[sl] = '\0';
}

void wr_unit_advise(const struct wr_unit_facts *f, const struct wr_unit_words_ctx *ctx,
		    struct wr_unit_advice *out)
{
	static void (*const say_verdict[])(struct words *) = {
		[WR_UNIT_STOPPED] = say_stopped,	[WR_UNIT_FAILED] = say_failed,
		[WR_UNIT_CRASHED] = say_crashed,	[WR_UNIT_START_LIMIT] = say_start_limit,
		[WR_UNIT_RESTARTING] = say_restarting,	[WR_UNIT_MASKED] = say_masked,
		[WR_UNIT_OTHER_PORT] = say_other_port,	[WR_UNIT_RESTARTED] = say_restarted,
		[WR_UNIT_RUNNING] = say_running,	[WR_UNIT_CHANGING] = say_changing,
	};
	struct words w = { .f = f, .ctx = ctx, .out = out };

	out->text[0] = out->command[0] = '\0';
	out->verdict = decide(f, ctx);
	if (out->verdict == WR_UNIT_NOTHING)
		return;
	wr_shell_quote(f->unit, w.unit, sizeof(w.unit));
	head(&w);
	say_verdict[out->verdict](&w);
	finish(&w);
}
