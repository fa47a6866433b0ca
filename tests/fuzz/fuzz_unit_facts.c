// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: what unit_status.c hands unit_facts.c, all of it written by
 * others: /etc/services, a socket unit's Listen entries, journal messages
 * (any program's words), `sshd -T` output, unit names and states from
 * D-Bus; then the words made of them. The first two bytes are the refused
 * port; the rest is text, its lines the fields.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_input.h"
#include "unit_facts.h"

/* Line i of text (NUL-terminated copies of at most len-1 bytes), "" past the end. */
static void field(const char *text, int i, char *buf, size_t len)
{
	const char *p = text;

	for (; i > 0 && p; i--) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	buf[0] = '\0';
	if (p)
		snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
}

static void parsers(const char *text, size_t size, uint16_t port)
{
	char units[4][WR_UNIT_NAME_LEN], name[64], type[32], addr[300], line[WR_UNIT_LINE_LEN];
	uint16_t ports[8];
	const char *nl;

	wr_services_units(text, port, name, sizeof(name), units, 4);
	wr_services_units(text, port, name, 1, units, 1);
	field(text, 0, type, sizeof(type));
	nl = strchr(text, '\n');
	wr_socket_listen_port(type, nl ? nl + 1 : "");
	wr_socket_listen_port("Stream", text);
	field(text, 1, addr, sizeof(addr));
	wr_socket_listen_port("Stream", addr);
	wr_journal_listen_port(text);
	wr_sshd_ports(text, ports, 8);
	wr_sshd_ports(text, ports, 1);
	wr_unit_name_ok(text);
	wr_unit_name_ok(type);
	wr_unit_exit_code(type);
	wr_unit_copy_line(line, sizeof(line), text, size);
	wr_unit_copy_line(line, 3, text, size);
}

static void words(const char *text, const uint8_t *raw, size_t rawlen, uint16_t port)
{
	struct wr_unit_facts f = { 0 };
	struct wr_unit_words_ctx ctx = { .port = port, .local = gmtime_r };
	struct wr_unit_advice a;
	uint64_t nums[6] = { 0 };
	char host[64];

	memcpy(nums, raw, rawlen < sizeof(nums) ? rawlen : sizeof(nums));
	field(text, 0, f.unit, sizeof(f.unit));
	field(text, 1, f.found_detail, sizeof(f.found_detail));
	field(text, 2, f.load_state, sizeof(f.load_state));
	field(text, 3, f.active_state, sizeof(f.active_state));
	field(text, 4, f.sub_state, sizeof(f.sub_state));
	field(text, 5, f.result, sizeof(f.result));
	field(text, 6, f.unit_file_state, sizeof(f.unit_file_state));
	field(text, 7, f.restart, sizeof(f.restart));
	field(text, 8, f.config_from, sizeof(f.config_from));
	field(text, 9, f.pre.command, sizeof(f.pre.command));
	field(text, 10, f.last_exit.command, sizeof(f.last_exit.command));
	field(text, 14, f.trigger, sizeof(f.trigger));
	field(text, 15, f.lines_from, sizeof(f.lines_from));
	field(text, 16, f.exec_name, sizeof(f.exec_name));
	field(text, 17, f.syslog_ident, sizeof(f.syslog_ident));
	field(text, 18, host, sizeof(host));
	ctx.host = host;
	f.n_lines = WR_UNIT_LINES;
	for (int i = 0; i < WR_UNIT_LINES; i++) {
		field(text, 11 + i, f.lines[i].text, sizeof(f.lines[i].text));
		f.lines[i].priority = (int)(nums[5] >> (8 * i) & 0xf) - 1;
		f.lines[i].by_systemd = nums[5] >> (8 * i + 4) & 1;
	}
	f.found_by = (enum wr_unit_found)(nums[0] % 5);
	f.exec_main_code = (int32_t)(nums[0] >> 8 & 3);
	f.exec_main_status = (int32_t)(nums[0] >> 16);
	f.pre.code = (int32_t)(nums[0] >> 48 & 3);
	f.pre.status = (int32_t)(nums[0] >> 50 & 0xff);
	f.last_exit.code = (int32_t)(nums[0] >> 58 & 3);
	f.last_exit.status = (int32_t)(nums[1] & 0xff);
	f.n_restarts = (uint32_t)(nums[1] >> 32);
	f.config_port = (uint16_t)(nums[1] >> 8);
	/* Times up to about the year 2300: gmtime_r takes them all. */
	f.inactive_enter_usec = nums[2] % (10000000000ULL * 1000000ULL);
	f.active_enter_usec = nums[3] % (10000000000ULL * 1000000ULL);
	f.active_exit_usec = nums[4] % (10000000000ULL * 1000000ULL);
	f.last_exit.usec = nums[4] % (9000000000ULL * 1000000ULL);
	ctx.refused_usec = nums[3] % (9000000000ULL * 1000000ULL);
	wr_unit_advise(&f, &ctx, &a);
	if (strlen(a.text) >= sizeof(a.text) || strlen(a.command) >= sizeof(a.command))
		abort();
	/* A command is all there, at the end, or not in the text. */
	if (a.command[0] && strlen(a.command) + 4 <= (sizeof(a.text) - 1) / 2 &&
	    strcmp(a.text + strlen(a.text) - strlen(a.command), a.command))
		abort();
	wr_unit_verdict_name(a.verdict);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t port;
	char *text;

	if (size < 2)
		return 0;
	port = (uint16_t)(data[0] << 8 | data[1]);
	text = fuzz_string(data + 2, size - 2);
	if (!text)
		return 0;
	parsers(text, size - 2, port);
	words(text, data + 2, size - 2, port);
	free(text);
	return 0;
}
