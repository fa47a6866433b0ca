// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "shell_quote.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool plain(const char *s)
{
	if (!*s || *s == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("_@%+=:,./-", *s)))
			return false;
	return true;
}

const char *wr_shell_quote(const char *s, char *buf, size_t len)
{
	static const char cut[] = "...'";
	size_t o = 0;

	if (len < sizeof(cut) + 1) {	/* "''" at least; callers pass WR_QUOTED_LEN */
		if (len)
			buf[0] = '\0';
		return buf;
	}
	if (plain(s) && strlen(s) < len) {
		memcpy(buf, s, strlen(s) + 1);
		return buf;
	}
	buf[o++] = '\'';
	for (; *s; s++) {
		const char *piece = *s == '\'' ? "'\\''" : NULL;
		size_t pl = piece ? 4 : 1;

		/* Room for this piece and, after it, a closing quote (or the cut mark). */
		if (o + pl + sizeof(cut) > len) {
			memcpy(buf + o, cut, sizeof(cut));
			return buf;
		}
		if (piece)
			memcpy(buf + o, piece, pl);
		else
			buf[o] = *s;
		o += pl;
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}
