// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The unit that should listen on a refused port: the parsers on what
 * Debian 12 (systemd 252, openssh-server, postgresql) writes, and the words
 * on the states a Debian 12 guest showed: `systemctl stop ssh`, a bad
 * sshd_config until start-limit-hit, a SIGSEGV with and without Restart=.
 * Times are UTC (gmtime_r stands in for localtime_r).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "unit_facts.h"

#define USEC 1000000ULL
#define T_STOPPED   (1796168401ULL * USEC)	/* 2026-12-01 23:40:01 */
#define T_FAILED    (1796170323ULL * USEC)	/* 2026-12-02 00:12:03 */
#define T_CRASH     (1796170800ULL * USEC)	/* 2026-12-02 00:20:00 */
#define T_SOCKET    (1796171400ULL * USEC)	/* 2026-12-02 00:30:00 */
#define T_BOOT      (1796112000ULL * USEC)	/* 2026-12-01 08:00:00 */

static const char services[] =
	"# Network services, Internet style\n"
	"tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer\n"
	"discard\t\t9/tcp\t\tsink null\n"
	"ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\n"
	"domain\t\t53/udp\n"
	"http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP\n"
	"https\t\t443/tcp\t\t\t\t# http protocol over TLS/SSL\n"
	"https\t\t443/udp\t\t\t\t# HTTP/3\n"
	"postgresql\t5432/tcp\tpostgres\t# PostgreSQL Database\n"
	"bad+name\t7000/tcp\tgood\n"
	"kerberos\t88/tcp\t\tkerberos5 krb5 kerberos-sec\t# Kerberos v5\n";

static void test_services(void **state)
{
	char units[4][WR_UNIT_NAME_LEN], name[32];

	(void)state;
	assert_int_equal(wr_services_units(services, 22, name, sizeof(name), units, 4), 2);
	assert_string_equal(name, "ssh");
	assert_string_equal(units[0], "ssh.service");
	assert_string_equal(units[1], "sshd.service");

	assert_int_equal(wr_services_units(services, 5432, name, sizeof(name), units, 4), 3);
	assert_string_equal(name, "postgresql");
	assert_string_equal(units[0], "postgresql.service");
	assert_string_equal(units[1], "postgresqld.service");
	assert_string_equal(units[2], "postgres.service");

	assert_int_equal(wr_services_units(services, 80, name, sizeof(name), units, 4), 3);
	assert_string_equal(units[2], "www.service");
	/* Bounded by max; a name that ends in d gets no second d. */
	assert_int_equal(wr_services_units(services, 88, name, sizeof(name), units, 2), 2);
	assert_string_equal(units[1], "kerberosd.service");
	/* No TCP line, no line at all, port 0: nothing. */
	assert_int_equal(wr_services_units(services, 53, name, sizeof(name), units, 4), 0);
	assert_string_equal(name, "");
	assert_int_equal(wr_services_units(services, 2222, name, sizeof(name), units, 4), 0);
	assert_int_equal(wr_services_units(services, 0, name, sizeof(name), units, 4), 0);
	/* A name that is no unit name is left out, its valid alias kept. */
	assert_int_equal(wr_services_units(services, 7000, name, sizeof(name), units, 4), 1);
	assert_string_equal(units[0], "good.service");
	/* "22/tcpx", "x22/tcp", a comment: not port 22. */
	assert_int_equal(wr_services_units("a 22/tcpx\nb x22/tcp\n# ssh 22/tcp\n", 22, name,
					   sizeof(name), units, 4), 0);
	assert_int_equal(wr_services_units("", 22, NULL, 0, units, 4), 0);
}

static void test_socket_listen(void **state)
{
	(void)state;
	assert_int_equal(wr_socket_listen_port("Stream", "0.0.0.0:22"), 22);
	assert_int_equal(wr_socket_listen_port("Stream", "[::]:22"), 22);
	assert_int_equal(wr_socket_listen_port("Stream", "22"), 22);
	assert_int_equal(wr_socket_listen_port("Stream", "[fe80::1%2]:8080"), 8080);
	assert_int_equal(wr_socket_listen_port("Stream", "127.0.0.1:65535"), 65535);
	assert_int_equal(wr_socket_listen_port("Stream", "/run/x.sock"), 0);
	assert_int_equal(wr_socket_listen_port("Stream", "@abstract:22"), 0);
	assert_int_equal(wr_socket_listen_port("Stream", "vsock:2:22"), 0);
	assert_int_equal(wr_socket_listen_port("Datagram", "0.0.0.0:53"), 0);
	assert_int_equal(wr_socket_listen_port("FIFO", "/run/initctl"), 0);
	assert_int_equal(wr_socket_listen_port("Stream", "0.0.0.0:0"), 0);
	assert_int_equal(wr_socket_listen_port("Stream", "0.0.0.0:65536"), 0);
	assert_int_equal(wr_socket_listen_port("Stream", "0.0.0.0:"), 0);
	assert_int_equal(wr_socket_listen_port("Stream", ":22"), 0);
	assert_int_equal(wr_socket_listen_port("Stream", "fe80::1:22"), 0);
	assert_int_equal(wr_socket_listen_port("Stream", ""), 0);
}

static void test_journal_listen(void **state)
{
	(void)state;
	/* sshd, Debian 12. */
	assert_int_equal(wr_journal_listen_port("Server listening on 0.0.0.0 port 22."), 22);
	assert_int_equal(wr_journal_listen_port("Server listening on :: port 22."), 22);
	assert_int_equal(wr_journal_listen_port("Server listening on fe80::1 port 2222."), 2222);
	/* postgres 15: the port is its own word; a Unix socket's path is no port. */
	assert_int_equal(wr_journal_listen_port("2026-12-01 23:00:00.101 UTC [812] LOG:  "
						"listening on IPv4 address \"0.0.0.0\", port 5432"),
			 5432);
	assert_int_equal(wr_journal_listen_port("listening on IPv6 address \"::\", port 5433"),
			 5433);
	assert_int_equal(wr_journal_listen_port("listening on Unix socket "
						"\"/var/run/postgresql/.s.PGSQL.5432\""), 0);
	/* HOST:PORT forms. */
	assert_int_equal(wr_journal_listen_port("app: listening on 0.0.0.0:80"), 80);
	assert_int_equal(wr_journal_listen_port("Listening on http://[::]:8080/"), 8080);
	assert_int_equal(wr_journal_listen_port("Listening on https://0.0.0.0:8443/metrics"), 8443);
	assert_int_equal(wr_journal_listen_port("Listening on :8080"), 8080);
	assert_int_equal(wr_journal_listen_port("listening on *:3000, pid 7"), 3000);
	assert_int_equal(wr_journal_listen_port("listening on :::25."), 25);
	assert_int_equal(wr_journal_listen_port("level=info ts=2026-12-01T23:00:00Z "
						"caller=tls_config.go:274 msg=\"Listening on\" "
						"address=[::]:9100"), 9100);
	assert_int_equal(wr_journal_listen_port("Listening on port 8000"), 8000);
	/* systemd's own sockets, counts, other words, ports out of range. */
	assert_int_equal(wr_journal_listen_port("Listening on OpenBSD Secure Shell server "
						"socket."), 0);
	assert_int_equal(wr_journal_listen_port("listening on 3 interfaces, report 22"), 0);
	assert_int_equal(wr_journal_listen_port("listening on 0.0.0.0 port 99999"), 0);
	assert_int_equal(wr_journal_listen_port("Accepted publickey for root port 51234"), 0);
	assert_int_equal(wr_journal_listen_port("listening on fe80::1"), 0);
	assert_int_equal(wr_journal_listen_port("listening on"), 0);
	/* The first line that says it, not one beyond a newline. */
	assert_int_equal(wr_journal_listen_port("listening on x\nport 22"), 0);
	assert_int_equal(wr_journal_listen_port("listening on x\nlistening on 1.2.3.4:7"), 7);
}

static void test_sshd_ports(void **state)
{
	uint16_t p[4];

	(void)state;
	/* This machine's sshd -T (Debian 12), cut. */
	assert_int_equal(wr_sshd_ports("port 22\naddressfamily any\nlistenaddress [::]:22\n"
				       "listenaddress 0.0.0.0:22\nusepam yes\n", p, 4), 1);
	assert_int_equal(p[0], 22);
	/* A ListenAddress with a port overrides Port. */
	assert_int_equal(wr_sshd_ports("port 22\nlistenaddress 0.0.0.0:2222\n"
				       "listenaddress 10.0.0.1:2200 rdomain vrf1\n", p, 4), 2);
	assert_int_equal(p[0], 2222);
	assert_int_equal(p[1], 2200);
	/* Port lines alone (an older sshd), each port once, at most max. */
	assert_int_equal(wr_sshd_ports("port 22\nport 2222\nport 22\nport 23\n", p, 2), 2);
	assert_int_equal(p[0], 22);
	assert_int_equal(p[1], 2222);
	assert_int_equal(wr_sshd_ports("gatewayports no\nportx 5\nport\nport 0\n", p, 4), 0);
	assert_int_equal(wr_sshd_ports("", p, 4), 0);
}

static void test_names_and_lines(void **state)
{
	char name[300], line[8];

	(void)state;
	assert_true(wr_unit_name_ok("ssh.service"));
	assert_true(wr_unit_name_ok("ssh.socket"));
	assert_true(wr_unit_name_ok("getty@tty1.service"));
	assert_true(wr_unit_name_ok("foo\\x2dbar.service"));
	assert_false(wr_unit_name_ok("ssh"));
	assert_false(wr_unit_name_ok(".service"));
	assert_false(wr_unit_name_ok("ssh.timer"));
	assert_false(wr_unit_name_ok("-x.service"));
	assert_false(wr_unit_name_ok("a b.service"));
	assert_false(wr_unit_name_ok("a;reboot.service"));
	assert_false(wr_unit_name_ok("a@b@c.service"));
	memset(name, 'a', sizeof(name));
	snprintf(name + 240, sizeof(name) - 240, ".service");
	assert_true(wr_unit_name_ok(name));
	memset(name, 'a', sizeof(name));
	snprintf(name + 248, sizeof(name) - 248, ".service");	/* 256 bytes: one too many */
	assert_false(wr_unit_name_ok(name));

	assert_int_equal(wr_unit_exit_code("exited"), CLD_EXITED);
	assert_int_equal(wr_unit_exit_code("killed"), CLD_KILLED);
	assert_int_equal(wr_unit_exit_code("dumped"), CLD_DUMPED);
	assert_int_equal(wr_unit_exit_code("trapped"), 0);

	wr_unit_copy_line(line, sizeof(line), "ab \nsecond", 10);
	assert_string_equal(line, "ab");
	/* Cut at a character: "é" is two bytes, the third would not fit. */
	wr_unit_copy_line(line, 4, "\xc3\xa9\xc3\xa9", 4);
	assert_string_equal(line, "\xc3\xa9");
	wr_unit_copy_line(line, sizeof(line), "abcdefghijk", 3);
	assert_string_equal(line, "abc");
}

/* ---- the words ---- */

static struct wr_unit_facts ssh(enum wr_unit_found by, const char *detail)
{
	struct wr_unit_facts f = { .found_by = by, .exec_main_code = CLD_EXITED };

	snprintf(f.unit, sizeof(f.unit), "ssh.service");
	snprintf(f.found_detail, sizeof(f.found_detail), "%s", detail);
	snprintf(f.load_state, sizeof(f.load_state), "loaded");
	snprintf(f.restart, sizeof(f.restart), "on-failure");
	return f;
}

static void set(char *field, const char *v)
{
	strcpy(field, v);
}

static void add_line(struct wr_unit_facts *f, const char *text, int priority, bool by_systemd)
{
	struct wr_unit_line *l = &f->lines[f->n_lines++];

	snprintf(l->text, sizeof(l->text), "%s", text);
	l->priority = priority;
	l->by_systemd = by_systemd;
	l->usec = T_FAILED - USEC;
}

static struct wr_unit_advice advise(const struct wr_unit_facts *f, uint16_t port,
				    uint64_t refused)
{
	struct wr_unit_words_ctx ctx = { .port = port, .host = "192.0.2.1", .refused_usec = refused,
					 .local = gmtime_r };
	struct wr_unit_advice a;

	wr_unit_advise(f, &ctx, &a);
	return a;
}

/* `systemctl stop ssh`, as the guest showed it; then the same, disabled. */
static void test_stopped(void **state)
{
	struct wr_unit_facts f = ssh(WR_UNIT_BY_SERVICES, "/etc/services: ssh");
	struct wr_unit_advice a;

	(void)state;
	set(f.active_state, "inactive");
	set(f.sub_state, "dead");
	set(f.result, "success");
	set(f.unit_file_state, "enabled");
	f.inactive_enter_usec = T_STOPPED;
	f.active_exit_usec = T_STOPPED;
	a = advise(&f, 22, T_STOPPED + 300 * USEC);
	assert_int_equal(a.verdict, WR_UNIT_STOPPED);
	assert_string_equal(a.text, "ssh.service should listen here (/etc/services: ssh): it is "
			    "inactive (dead) since 23:40:01, stopped cleanly; it is enabled: it "
			    "started at boot, and was stopped since -- systemctl start ssh.service");
	assert_string_equal(a.command, "systemctl start ssh.service");
	assert_string_equal(wr_unit_verdict_name(a.verdict), "stopped");

	set(f.unit_file_state, "disabled");
	a = advise(&f, 22, T_STOPPED + 300 * USEC);
	assert_string_equal(a.text, "ssh.service should listen here (/etc/services: ssh): it is "
			    "inactive (dead) since 23:40:01, stopped cleanly; it is disabled (it "
			    "will not start at boot) -- systemctl enable --now ssh.service");

	/*
	 * Disabled, then collected by systemd and loaded again: no times, no
	 * result (the guest, after `systemctl disable ssh`); its journal still
	 * says when it was last heard of.
	 */
	f.inactive_enter_usec = f.active_exit_usec = 0;
	f.exec_main_code = 0;
	a = advise(&f, 22, T_STOPPED);
	assert_string_equal(a.text, "ssh.service should listen here (/etc/services: ssh): it is "
			    "inactive (dead); it is disabled (it will not start at boot) -- "
			    "systemctl enable --now ssh.service");
	add_line(&f, "Received signal 15; terminating.", 6, false);
	f.lines[0].usec = T_STOPPED;
	a = advise(&f, 22, T_STOPPED);
	assert_non_null(strstr(a.text, "it is inactive (dead), last heard of at 23:40:01; it is "
				       "disabled"));
	/* Enabled, yet no start since boot. */
	set(f.unit_file_state, "enabled");
	f.n_lines = 0;
	a = advise(&f, 22, T_STOPPED);
	assert_non_null(strstr(a.text, "it is inactive (dead); it is enabled, yet it did not start "
				       "at boot (a dependency or condition failed?) -- systemctl "
				       "start ssh.service"));
	/* Another day shows its date. */
	f.inactive_enter_usec = T_BOOT;
	set(f.unit_file_state, "static");
	a = advise(&f, 22, T_CRASH);
	assert_string_equal(a.text, "ssh.service should listen here (/etc/services: ssh): it is "
			    "inactive (dead) since 2026-12-01 08:00:00, stopped cleanly; it is "
			    "static (it starts only when another unit pulls it in) -- systemctl "
			    "start ssh.service");

	/* Stopped, and configured elsewhere: starting it would not listen here either. */
	f.config_port = 2222;
	set(f.config_from, "sshd -T");
	a = advise(&f, 22, T_CRASH);
	assert_int_equal(a.verdict, WR_UNIT_STOPPED);
	assert_non_null(strstr(a.text, "; it is configured for port 2222 (sshd_config: Port 2222, "
				       "per sshd -T), not 22: once it runs, ssh -p 2222 192.0.2.1 -- "
				       "systemctl start ssh.service"));
	/* Down, sshd -T cannot say (no /run/sshd): its journal's last start says it. */
	set(f.config_from, "its journal: Server listening on 0.0.0.0 port 2222.");
	a = advise(&f, 22, T_CRASH);
	assert_non_null(strstr(a.text, "; it is configured for port 2222 (its journal: Server "
				       "listening on 0.0.0.0 port 2222.), not 22: once it runs, "
				       "ssh -p 2222 192.0.2.1 -- systemctl start ssh.service"));
}

/* A bad sshd_config: ExecStartPre's `sshd -t` exits 255, then start-limit-hit. */
static struct wr_unit_facts bad_config(void)
{
	struct wr_unit_facts f = ssh(WR_UNIT_BY_SERVICES, "/etc/services: ssh");

	set(f.active_state, "failed");
	set(f.sub_state, "failed");
	set(f.result, "exit-code");
	set(f.unit_file_state, "enabled");
	f.exec_main_status = 0;	/* the 255 is the control process's */
	f.pre = (struct wr_unit_exit){ .command = "ExecStartPre", .code = CLD_EXITED,
				       .status = 255 };
	f.inactive_enter_usec = T_FAILED;
	f.active_exit_usec = T_FAILED - 60 * USEC;
	/* sshd -t writes them to stderr: info in the journal. */
	add_line(&f, "/etc/ssh/sshd_config: line 14: Bad configuration option: Portt", 6, false);
	add_line(&f, "/etc/ssh/sshd_config: terminating, 1 bad configuration options", 6, false);
	add_line(&f, "ssh.service: Control process exited, code=exited, status=255/EXCEPTION",
		 5, true);
	return f;
}

static void test_failed(void **state)
{
	struct wr_unit_facts f = bad_config();
	struct wr_unit_advice a;

	(void)state;
	f.n_restarts = 2;
	a = advise(&f, 22, T_FAILED);
	assert_int_equal(a.verdict, WR_UNIT_FAILED);
	assert_string_equal(a.text, "ssh.service should listen here (/etc/services: ssh): it "
			    "failed at 00:12:03 (exit status 255 of its ExecStartPre, after 2 "
			    "restarts): /etc/ssh/sshd_config: line 14: Bad configuration option: "
			    "Portt -- journalctl -u ssh.service -b --since '2026-12-02 00:11:03'");

	/* The 255 known only from the journal's process-exit message. */
	f.pre = (struct wr_unit_exit){ 0 };
	f.last_exit = (struct wr_unit_exit){ .command = "ExecStartPre", .code = CLD_EXITED,
					     .status = 255, .usec = T_FAILED };
	a = advise(&f, 22, T_FAILED);
	assert_non_null(strstr(a.text, "(exit status 255 of its ExecStartPre, after 2"));
	/* Nothing known but the result. */
	f.last_exit = (struct wr_unit_exit){ 0 };
	f.n_restarts = 0;
	f.n_lines = 0;
	a = advise(&f, 22, T_FAILED);
	assert_string_equal(a.text, "ssh.service should listen here (/etc/services: ssh): it "
			    "failed at 00:12:03 (its start command failed) -- journalctl -u "
			    "ssh.service -b --since '2026-12-02 00:11:03'");
	/* The main process's own exit status. */
	f.exec_main_status = 1;
	a = advise(&f, 22, T_FAILED);
	assert_non_null(strstr(a.text, "(exit status 1)"));
	/* A timeout says so. */
	set(f.result, "timeout");
	a = advise(&f, 22, T_FAILED);
	assert_non_null(strstr(a.text, "(it timed out)"));
}

static void test_start_limit(void **state)
{
	struct wr_unit_facts f = bad_config();
	struct wr_unit_advice a;

	(void)state;
	set(f.result, "start-limit-hit");
	f.n_restarts = 5;
	a = advise(&f, 22, T_FAILED);
	assert_int_equal(a.verdict, WR_UNIT_START_LIMIT);
	assert_string_equal(a.text, "ssh.service should listen here (/etc/services: ssh): it "
			    "failed at 00:12:03 (exit status 255 of its ExecStartPre; "
			    "start-limit-hit after 5 restarts: systemd gave up): "
			    "/etc/ssh/sshd_config: line 14: Bad configuration option: Portt -- "
			    "journalctl -u ssh.service -b --since '2026-12-02 00:11:03'");
	assert_string_equal(a.command,
			    "journalctl -u ssh.service -b --since '2026-12-02 00:11:03'");
	/* Only systemd's lines: no last words (the state says it already). */
	f.n_lines = 0;
	add_line(&f, "ssh.service: Start request repeated too quickly.", 3, true);
	a = advise(&f, 22, T_FAILED);
	assert_null(strstr(a.text, "repeated"));
}

/* code=killed or dumped, status=11/SEGV. */
static void test_crashed(void **state)
{
	struct wr_unit_facts f = ssh(WR_UNIT_BY_JOURNAL, "Server listening on 0.0.0.0 port 22.");
	struct wr_unit_advice a;

	(void)state;
	set(f.active_state, "failed");
	set(f.sub_state, "failed");
	set(f.result, "core-dump");
	set(f.restart, "no");
	set(f.unit_file_state, "enabled");
	f.exec_main_code = CLD_DUMPED;
	f.exec_main_status = SIGSEGV;
	f.inactive_enter_usec = T_CRASH;
	a = advise(&f, 22, T_CRASH + USEC);
	assert_int_equal(a.verdict, WR_UNIT_CRASHED);
	assert_string_equal(a.text, "ssh.service should listen here (its journal: \"Server "
			    "listening on 0.0.0.0 port 22.\"): it crashed (SIGSEGV, core dumped) "
			    "at 00:20:00, Restart=no: it stays down -- systemctl start "
			    "ssh.service");

	set(f.result, "signal");
	f.exec_main_code = CLD_KILLED;
	/* Its info lines are no last words of a crash; a critical one is. */
	add_line(&f, "Server listening on 0.0.0.0 port 22.", 6, false);
	a = advise(&f, 22, T_CRASH + USEC);
	assert_null(strstr(a.text, "last words"));
	add_line(&f, "fatal: buffer overrun", 2, false);
	a = advise(&f, 22, T_CRASH + USEC);
	assert_non_null(strstr(a.text, ": it crashed (SIGSEGV) at 00:20:00, Restart=no: it "
				       "stays down; its last words: fatal: buffer overrun -- "));
	/* SIGKILL is no crash: someone or something killed it. */
	f.exec_main_status = SIGKILL;
	a = advise(&f, 22, T_CRASH + USEC);
	assert_non_null(strstr(a.text, ": it was killed (SIGKILL) at 00:20:00"));
	set(f.result, "oom-kill");
	a = advise(&f, 22, T_CRASH + USEC);
	assert_non_null(strstr(a.text, ": it was killed by the OOM killer at 00:20:00"));
}

/* Restart=on-failure brought it back 0.1 s after the crash, after our refusal. */
static void test_restarted(void **state)
{
	struct wr_unit_facts f = ssh(WR_UNIT_BY_JOURNAL, "Server listening on 0.0.0.0 port 22.");
	struct wr_unit_advice a;

	(void)state;
	set(f.active_state, "active");
	set(f.sub_state, "running");
	set(f.result, "success");
	set(f.unit_file_state, "enabled");
	f.exec_main_code = 0;
	f.n_restarts = 1;
	f.active_enter_usec = T_CRASH + 150000;
	f.last_exit = (struct wr_unit_exit){ .command = "ExecStart", .code = CLD_DUMPED,
					     .status = SIGSEGV, .usec = T_CRASH };
	a = advise(&f, 22, T_CRASH + 50000);
	assert_int_equal(a.verdict, WR_UNIT_RESTARTED);
	assert_string_equal(a.text, "ssh.service should listen here (its journal: \"Server "
			    "listening on 0.0.0.0 port 22.\"): it is active (running) again since "
			    "00:20:00, after this refusal: it crashed (SIGSEGV, core dumped) at "
			    "00:20:00 and Restart=on-failure restarted it (1 restart) -- "
			    "journalctl -u ssh.service -b --since '2026-12-02 00:19:00'");
	/* Started again by hand: no crash, no automatic restart. */
	f.n_restarts = 0;
	f.last_exit = (struct wr_unit_exit){ 0 };
	a = advise(&f, 22, T_CRASH + 50000);
	assert_non_null(strstr(a.text, "after this refusal: it was started again -- "));

	/* Active since before the refusal, on this port: elsewhere, then. */
	f.active_enter_usec = T_BOOT;
	f.config_port = 22;
	set(f.config_from, "sshd -T");
	a = advise(&f, 22, T_CRASH);
	assert_int_equal(a.verdict, WR_UNIT_RUNNING);
	assert_string_equal(a.text, "ssh.service should listen here (its journal: \"Server "
			    "listening on 0.0.0.0 port 22.\"): it is active (running) since "
			    "2026-12-01 08:00:00, before this refusal, configured for this port "
			    "(sshd -T): does it listen on another address, or in another network "
			    "namespace? -- systemctl status ssh.service");
}

static void test_restarting(void **state)
{
	struct wr_unit_facts f = ssh(WR_UNIT_BY_SERVICES, "/etc/services: ssh");
	struct wr_unit_advice a;

	(void)state;
	set(f.active_state, "activating");
	set(f.sub_state, "auto-restart");
	set(f.result, "signal");
	f.n_restarts = 3;
	f.last_exit = (struct wr_unit_exit){ .command = "ExecStart", .code = CLD_KILLED,
					     .status = SIGSEGV, .usec = T_CRASH };
	a = advise(&f, 22, T_CRASH);
	assert_int_equal(a.verdict, WR_UNIT_RESTARTING);
	assert_string_equal(a.text, "ssh.service should listen here (/etc/services: ssh): it is "
			    "between restarts (activating (auto-restart)) after it crashed (SIGSEGV) "
			    "at 00:20:00, 3 restarts so far -- journalctl -u ssh.service -b "
			    "--since '2026-12-02 00:19:00'");
}

static void test_masked(void **state)
{
	struct wr_unit_facts f = ssh(WR_UNIT_BY_SERVICES, "/etc/services: ssh");
	struct wr_unit_advice a;

	(void)state;
	set(f.load_state, "masked");
	set(f.active_state, "inactive");
	set(f.sub_state, "dead");
	set(f.unit_file_state, "masked");
	a = advise(&f, 22, T_STOPPED);
	assert_int_equal(a.verdict, WR_UNIT_MASKED);
	assert_string_equal(a.text, "ssh.service should listen here (/etc/services: ssh): it is "
			    "masked (it cannot be started, not even by hand) -- systemctl unmask "
			    "ssh.service && systemctl start ssh.service");
}

static void test_other_port(void **state)
{
	struct wr_unit_facts f = ssh(WR_UNIT_BY_SERVICES, "/etc/services: ssh");
	struct wr_unit_advice a;

	(void)state;
	set(f.active_state, "active");
	set(f.sub_state, "running");
	f.active_enter_usec = T_BOOT;
	f.config_port = 2222;
	set(f.config_from, "sshd -T");
	a = advise(&f, 22, T_CRASH);
	assert_int_equal(a.verdict, WR_UNIT_OTHER_PORT);
	assert_string_equal(a.text, "ssh.service should listen here (/etc/services: ssh): it is "
			    "active (running) but configured for port 2222 (sshd_config: Port "
			    "2222, per sshd -T) -- ssh -p 2222 192.0.2.1");
	assert_string_equal(a.command, "ssh -p 2222 192.0.2.1");
	/* Another program said so in its journal. */
	set(f.unit, "web.service");
	f.config_port = 8080;
	set(f.config_from, "its journal: Listening on http://[::]:8080/");
	f.found_by = WR_UNIT_BY_JOURNAL;
	set(f.found_detail, "Listening on http://[::]:80/");
	a = advise(&f, 80, T_CRASH);
	assert_string_equal(a.text, "web.service should listen here (its journal: \"Listening on "
			    "http://[::]:80/\"): it is active (running) but configured for port "
			    "8080 (its journal: Listening on http://[::]:8080/) -- ss -ltnp "
			    "'sport = :8080'");
}

/*
 * The journal had nothing (Storage=none): its last words from
 * /var/log/syslog, as the Debian 12 guest's rsyslog wrote them, said with
 * the file, and grep on the file instead of journalctl.
 */
static void test_words_from_syslog(void **state)
{
	struct wr_unit_facts f = ssh(WR_UNIT_BY_SERVICES, "/etc/services: ssh");
	struct wr_unit_advice a;

	(void)state;
	set(f.active_state, "failed");
	set(f.sub_state, "failed");
	set(f.result, "exit-code");
	f.inactive_enter_usec = T_FAILED;
	f.pre = (struct wr_unit_exit){ .command = "ExecStartPre", .code = CLD_EXITED, .status = 255 };
	set(f.exec_name, "sshd");
	f.n_lines = 2;
	set(f.lines[0].text, "/etc/ssh/sshd_config: line 123: Bad configuration option: Portt");
	set(f.lines[1].text, "/etc/ssh/sshd_config: terminating, 1 bad configuration options");
	f.lines[0].priority = f.lines[1].priority = -1;
	set(f.lines_from, "/var/log/syslog");
	a = advise(&f, 22, T_CRASH);
	assert_int_equal(a.verdict, WR_UNIT_FAILED);
	assert_string_equal(a.text, "ssh.service should listen here (/etc/services: ssh): it failed "
			    "at 00:12:03 (exit status 255 of its ExecStartPre): /etc/ssh/sshd_config: "
			    "line 123: Bad configuration option: Portt (/var/log/syslog) -- grep -F -- "
			    "'sshd[' /var/log/syslog");
	/* systemd's lines only, from two files: grep for the unit's name in both. */
	f.lines[0].by_systemd = f.lines[1].by_systemd = true;
	set(f.lines_from, "/var/log/auth.log /var/log/syslog");
	a = advise(&f, 22, T_CRASH);
	assert_string_equal(a.command, "grep -F -- ssh.service /var/log/auth.log /var/log/syslog");
	/* The journal's lines: journalctl, and no file named. */
	f.lines[0].by_systemd = f.lines[1].by_systemd = false;
	set(f.lines_from, "journal");
	a = advise(&f, 22, T_CRASH);
	assert_null(strstr(a.text, "(/var/log"));
	assert_non_null(strstr(a.command, "journalctl -u ssh.service -b --since"));
}

static void test_socket_unit(void **state)
{
	struct wr_unit_facts f = { .found_by = WR_UNIT_BY_SOCKET };
	struct wr_unit_advice a;

	(void)state;
	set(f.unit, "ssh.socket");
	set(f.found_detail, "ssh.socket ListenStream=[::]:22");
	set(f.load_state, "loaded");
	set(f.active_state, "failed");
	set(f.sub_state, "failed");
	set(f.result, "resources");
	set(f.unit_file_state, "enabled");
	f.inactive_enter_usec = T_SOCKET;
	a = advise(&f, 22, T_SOCKET);
	assert_int_equal(a.verdict, WR_UNIT_FAILED);
	assert_string_equal(a.text, "ssh.socket should listen here (ssh.socket "
			    "ListenStream=[::]:22): it failed at 00:30:00 (resources: it could "
			    "not listen, is the address in use?) -- journalctl -u ssh.socket -b "
			    "--since '2026-12-02 00:29:00'");
	/* Its service restarted too often: the socket gives up too (no NRestarts of its own). */
	set(f.result, "service-start-limit-hit");
	a = advise(&f, 22, T_SOCKET);
	assert_int_equal(a.verdict, WR_UNIT_START_LIMIT);
	assert_non_null(strstr(a.text, "(service-start-limit-hit: systemd gave up)"));
	/* The guest's wrprobe.socket: its service exits 1 at each connection. */
	set(f.trigger, "ssh@x.service");
	a = advise(&f, 22, T_SOCKET);
	assert_string_equal(a.text, "ssh.socket should listen here (ssh.socket "
			    "ListenStream=[::]:22): it failed at 00:30:00 (service-start-limit-hit: "
			    "ssh@x.service kept failing, systemd gave up) -- journalctl -u "
			    "ssh.socket -u ssh@x.service -b --since '2026-12-02 00:29:00'");
	set(f.result, "trigger-limit-hit");
	a = advise(&f, 22, T_SOCKET);
	assert_non_null(strstr(a.text, "(trigger-limit-hit: activated too often)"));
}

/* A name that is not plain is quoted; a command too long is left out, never cut. */
static void test_quoting_and_bounds(void **state)
{
	struct wr_unit_facts f = ssh(WR_UNIT_BY_SERVICES, "/etc/services: x");
	struct wr_unit_advice a;

	(void)state;
	set(f.unit, "foo\\x2dbar.service");
	set(f.active_state, "inactive");
	set(f.sub_state, "dead");
	set(f.unit_file_state, "masked");
	a = advise(&f, 22, 0);
	assert_string_equal(a.command, "systemctl unmask 'foo\\x2dbar.service' && systemctl "
			    "start 'foo\\x2dbar.service'");

	/* The longest name and line: the sentence is cut, the command stays whole. */
	memset(f.unit, 'a', 247);
	strcpy(f.unit + 247, ".service");
	set(f.unit_file_state, "disabled");
	f.found_by = WR_UNIT_BY_JOURNAL;
	memset(f.found_detail, 'x', sizeof(f.found_detail) - 1);
	f.found_detail[sizeof(f.found_detail) - 1] = '\0';
	f.config_port = 2222;
	memset(f.config_from, 'y', sizeof(f.config_from) - 1);
	f.config_from[sizeof(f.config_from) - 1] = '\0';
	f.inactive_enter_usec = T_STOPPED;
	a = advise(&f, 22, T_STOPPED);
	assert_true(strlen(a.text) < sizeof(a.text));
	assert_int_equal(strlen(a.command), strlen("systemctl enable --now ") + 255);
	assert_non_null(strstr(a.text, " -- systemctl enable --now aaaa"));
	assert_int_equal(strcmp(a.text + strlen(a.text) - strlen(a.command), a.command), 0);

	/* Nothing read: nothing said. */
	f.active_state[0] = '\0';
	a = advise(&f, 22, 0);
	assert_int_equal(a.verdict, WR_UNIT_NOTHING);
	assert_string_equal(a.text, "");
	assert_string_equal(a.command, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_socket_listen),
		cmocka_unit_test(test_journal_listen),
		cmocka_unit_test(test_sshd_ports),
		cmocka_unit_test(test_names_and_lines),
		cmocka_unit_test(test_stopped),
		cmocka_unit_test(test_failed),
		cmocka_unit_test(test_start_limit),
		cmocka_unit_test(test_crashed),
		cmocka_unit_test(test_restarted),
		cmocka_unit_test(test_restarting),
		cmocka_unit_test(test_masked),
		cmocka_unit_test(test_other_port),
		cmocka_unit_test(test_words_from_syslog),
		cmocka_unit_test(test_socket_unit),
		cmocka_unit_test(test_quoting_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
