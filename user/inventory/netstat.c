// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "netstat.h"

#include <stdlib.h>
#include <string.h>

/* Copies the line starting at `p` into buf; returns the start of the next. */
static const char *next_line(const char *p, char *buf, size_t len)
{
	size_t n = strcspn(p, "\n");

	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	p += strcspn(p, "\n");
	return *p ? p + 1 : p;
}

int64_t wr_netstat_value(const char *text, const char *group, const char *name)
{
	static char names[8192], values[8192];
	size_t glen = strlen(group);
	const char *p = text;

	while (*p) {
		char *ns, *vs, *nt, *vt;

		p = next_line(p, names, sizeof(names));
		if (!*p)
			break;
		p = next_line(p, values, sizeof(values));
		if (strncmp(names, group, glen) || names[glen] != ':' ||
		    strncmp(values, group, glen) || values[glen] != ':')
			continue;
		nt = strtok_r(names + glen + 1, " ", &ns);
		vt = strtok_r(values + glen + 1, " ", &vs);
		for (; nt && vt; nt = strtok_r(NULL, " ", &ns), vt = strtok_r(NULL, " ", &vs))
			if (!strcmp(nt, name))
				return strtoll(vt, NULL, 10);
	}
	return -1;
}
