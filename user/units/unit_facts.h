/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The systemd unit that should listen on a refused port, as facts, and the
 * sentence they make: which unit (and how we know), its state as
 * `systemctl status` shows it, whether it starts at boot, its last words in
 * the journal, the port it is configured for, and the command that fixes or
 * looks further. The tool's users start it after the service went down, so
 * these facts come from systemd and the journal, not from watching.
 *
 * Pure: the parsers of what systemd, the journal, /etc/services and
 * `sshd -T` say, and the words. unit_status.c does the asking.
 */
#ifndef WR_UNIT_FACTS_H
#define WR_UNIT_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define WR_UNIT_NAME_LEN	256	/* systemd's UNIT_NAME_MAX (255) and a NUL */
#define WR_UNIT_LINE_LEN	256	/* one journal line, cut at a character */
#define WR_UNIT_STATE_LEN	32	/* "start-limit-hit", "enabled-runtime" */
#define WR_UNIT_LINES		3
#define WR_UNIT_TEXT_LEN	1024	/* a hint's room (refusal.h's WR_TEXT_LEN) */
#define WR_UNIT_CMD_LEN		(2 * 1027 + 128)	/* two quoted names (WR_QUOTED_LEN) */

/* How the unit was found to belong to the port, strongest first. */
enum wr_unit_found {
	WR_UNIT_BY_NONE,
	WR_UNIT_BY_SOCKET,	/* a socket unit listens there: "ssh.socket ListenStream=22" */
	WR_UNIT_BY_JOURNAL,	/* it said so: "Server listening on 0.0.0.0 port 22." */
	WR_UNIT_BY_SERVICES,	/* /etc/services names the port: "/etc/services: ssh" */
	WR_UNIT_BY_CONFIG,	/* its configuration says so: "sshd -T: port 2222" */
};

/* A journal line of the unit: its own processes', or systemd's about it (UNIT=). */
struct wr_unit_line {
	char text[WR_UNIT_LINE_LEN];
	uint64_t usec;			/* realtime */
	int priority;			/* syslog 0-7; -1 not known */
	bool by_systemd;
};

/* A process of the unit that ended (the journal's UNIT_PROCESS_EXIT, or ExecStartPre=). */
struct wr_unit_exit {
	char command[32];		/* "ExecStart", "ExecStartPre", or a path */
	int32_t code;			/* CLD_EXITED, CLD_KILLED, CLD_DUMPED; 0: none known */
	int32_t status;			/* exit status, or signal number */
	uint64_t usec;			/* realtime, 0 if not known */
};

struct wr_unit_facts {
	char unit[WR_UNIT_NAME_LEN];		/* its Id: an alias (sshd.service) resolved */
	enum wr_unit_found found_by;
	char found_detail[WR_UNIT_LINE_LEN];
	/* As `systemctl show` names them; "" when not read. */
	char load_state[WR_UNIT_STATE_LEN];	/* loaded, masked (not-found ones are dropped) */
	char active_state[WR_UNIT_STATE_LEN];	/* active, inactive, failed, activating... */
	char sub_state[WR_UNIT_STATE_LEN];	/* running, dead, failed, auto-restart... */
	char result[WR_UNIT_STATE_LEN];		/* success, exit-code, signal, core-dump... */
	char unit_file_state[WR_UNIT_STATE_LEN];/* enabled, disabled, static, masked... */
	char restart[WR_UNIT_STATE_LEN];	/* Restart=: no, on-failure, always... */
	int32_t exec_main_code;			/* CLD_*; 0: its main process never ended */
	int32_t exec_main_status;
	uint32_t n_restarts;			/* automatic restarts since its last start by hand */
	struct wr_unit_exit pre;		/* the ExecStartPre= that failed, if one did */
	struct wr_unit_exit last_exit;		/* the newest failed process end in the journal */
	/* Realtime usec, 0 when it did not happen since boot. */
	uint64_t inactive_enter_usec;		/* it became inactive or failed */
	uint64_t active_exit_usec;		/* it stopped being active */
	uint64_t active_enter_usec;		/* it (last) became active */
	uint64_t inactive_exit_usec;		/* its last start began */
	struct wr_unit_line lines[WR_UNIT_LINES];	/* its last run's, oldest first */
	size_t n_lines;
	/* Where they come from: "journal", or the syslog files (unit_syslog.h), blank-separated. */
	char lines_from[64];
	/* Its program's syslog tag: SyslogIdentifier=, else ExecStart='s file name ("sshd"). */
	char syslog_ident[64];
	char exec_name[64];
	char trigger[WR_UNIT_NAME_LEN];		/* a socket unit's service (Triggers=) */
	uint16_t config_port;			/* 0: not known */
	char config_from[WR_UNIT_LINE_LEN];	/* "sshd -T", or its journal line */
};

/*
 * /etc/services: the service name of TCP port `port` (its first line), and
 * the units that could be it, at most `max`: NAME.service and NAMEd.service
 * (ssh: ssh.service, sshd.service), then each alias's ALIAS.service.
 * Names that are no valid unit name are left out. Returns how many.
 */
size_t wr_services_units(const char *text, uint16_t port, char *name, size_t name_len,
			 char (*units)[WR_UNIT_NAME_LEN], size_t max);

/*
 * One entry of a socket unit's `Listen` property (a(ss)): the TCP port of
 * ("Stream", "0.0.0.0:22" | "[::]:22" | "22"), 0 for anything else (a path,
 * an abstract socket, vsock, datagrams, FIFOs, netlink).
 */
uint16_t wr_socket_listen_port(const char *type, const char *address);

/*
 * A journal MESSAGE that says where its program listens: the port, or 0.
 * "Server listening on 0.0.0.0 port 22." (sshd), "... listening on
 * 0.0.0.0:80", "Listening on http://[::]:8080/", "listening on IPv4 address
 * \"0.0.0.0\", port 5432" (postgres); not "listening on Unix socket ...".
 */
uint16_t wr_journal_listen_port(const char *message);

/*
 * `sshd -T` output: the ports it listens on, from its `listenaddress
 * HOST:PORT` lines (they win: a ListenAddress with a port overrides Port),
 * else its `port N` lines. Each port once, at most `max`; returns how many.
 */
size_t wr_sshd_ports(const char *text, uint16_t *ports, size_t max);

/* A unit name systemd accepts, of type .service or .socket (safe as a D-Bus argument). */
bool wr_unit_name_ok(const char *name);

/* "exited", "killed", "dumped" (the journal's EXIT_CODE=) -> CLD_*; 0 for others. */
int wr_unit_exit_code(const char *name);

/*
 * The first line of a journal MESSAGE (`n` bytes, no NUL needed) into dst,
 * cut at a character boundary when it is too long; trailing blanks off.
 */
void wr_unit_copy_line(char *dst, size_t len, const char *src, size_t n);

/* What the facts come to, for JSON and tests; the words say the same. */
enum wr_unit_verdict {
	WR_UNIT_NOTHING,	/* no facts to speak of */
	WR_UNIT_STOPPED,	/* inactive: stopped cleanly, or not started since boot */
	WR_UNIT_FAILED,		/* failed: an exit status, a timeout, resources... */
	WR_UNIT_CRASHED,	/* killed by a signal (and did not come back) */
	WR_UNIT_START_LIMIT,	/* restarted too often: systemd gave up */
	WR_UNIT_RESTARTING,	/* between automatic restarts */
	WR_UNIT_MASKED,		/* cannot be started at all */
	WR_UNIT_OTHER_PORT,	/* active, configured for another port */
	WR_UNIT_RESTARTED,	/* active again since the refusal */
	WR_UNIT_RUNNING,	/* active since before the refusal, on this port */
	WR_UNIT_CHANGING,	/* starting, stopping or reloading right now */
};

struct wr_unit_words_ctx {
	uint16_t port;			/* the refused port */
	const char *host;		/* the refused address ("192.0.2.1"), for ssh -p; NULL: none */
	uint64_t refused_usec;		/* when (realtime); 0: not known */
	/* localtime_r in the tool; gmtime_r in the tests, for fixed words. */
	struct tm *(*local)(const time_t *t, struct tm *tm);
};

struct wr_unit_advice {
	enum wr_unit_verdict verdict;
	char text[WR_UNIT_TEXT_LEN];	/* the sentence, " -- ", the command */
	char command[WR_UNIT_CMD_LEN];	/* alone; "" when there is none (or it did not fit) */
};

/*
 * The decision and the words, e.g. "ssh.service should listen here
 * (/etc/services: ssh): it is inactive (dead) since 23:40:01, stopped
 * cleanly; it is disabled (it will not start at boot) -- systemctl enable
 * --now ssh.service". Unit names in the command are shell-quoted. A command
 * is never cut: one that does not fit is left out.
 */
void wr_unit_advise(const struct wr_unit_facts *f, const struct wr_unit_words_ctx *ctx,
		    struct wr_unit_advice *out);

/* "stopped", "failed", "crashed"...: the verdict's name in JSON. */
const char *wr_unit_verdict_name(enum wr_unit_verdict v);

#endif /* WR_UNIT_FACTS_H */
