// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: the end of a syslog file (unit_syslog.c), whose lines any
 * local user can write (logger -t sshd). The first byte picks the bounds
 * (read from its start or its middle, how many lines); the rest is the
 * file, in an exact-size copy: a read past its end is one ASan sees.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_input.h"
#include "unit_syslog.h"

#define T_NOW (1796195700ULL * 1000000ULL)

static void check(const struct wr_unit_line *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strnlen(v[i].text, sizeof(v[i].text));

		if (l == sizeof(v[i].text))
			abort();	/* not terminated */
		for (size_t k = 0; k < l; k++)
			if ((unsigned char)v[i].text[k] < 0x20 || v[i].text[k] == 0x7f)
				abort();	/* a control byte reached a hint */
		if (i && v[i].usec > v[i - 1].usec)
			abort();	/* newest first */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wr_syslog_want want = {
		.ident = "sshd", .unit = "ssh.service", .now_usec = T_NOW, .local = timegm,
	};
	struct wr_syslog_found found = { .n_own = 0 };
	struct wr_syslog_entry e;
	char *text;

	if (size < 1)
		return 0;
	want.max_lines = 1 + data[0] % 64;
	want.since_usec = data[0] & 0x80 ? T_NOW - 600 * 1000000ULL : 0;
	text = fuzz_bytes(data + 1, size - 1);
	if (!text)
		return 0;
	wr_syslog_scan(text, size - 1, data[0] & 0x40, &want, 1, &found);
	if (found.n_own > WR_UNIT_LINES || found.n_sys > WR_UNIT_LINES)
		abort();
	check(found.own, found.n_own);
	check(found.sys, found.n_sys);
	if (wr_syslog_parse(text, size - 1, T_NOW, timegm, &e) &&
	    (e.tag + e.tag_len > text + size - 1 || e.msg + e.msg_len != text + size - 1))
		abort();
	free(text);
	return 0;
}
