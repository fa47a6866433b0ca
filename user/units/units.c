// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "units.h"

#include <stdio.h>
#include <string.h>

/* The last path component ending in ".service" in `path` (`n` bytes). */
static bool last_service(const char *path, size_t n, char *unit, size_t len)
{
	bool found = false;

	for (size_t i = 0; i < n;) {
		size_t w = strcspn(path + i, "/\n");

		if (w > 8 && w < n - i + 1 && !strncmp(path + i + w - 8, ".service", 8) &&
		    w < len) {
			snprintf(unit, len, "%.*s", (int)w, path + i);
			found = true;
		}
		i += w + 1;
	}
	return found;
}

bool wr_unit_from_cgroup(const char *cgroup, char *unit, size_t len)
{
	/* v1's named systemd hierarchy wins over v2's unified one (hybrid mounts). */
	static const char *const keys[] = { ":name=systemd:", "0::" };

	unit[0] = '\0';
	for (size_t k = 0; k < 2; k++) {
		for (const char *line = cgroup; *line;) {
			size_t ll = strcspn(line, "\n");
			const char *p = strstr(line, keys[k]);

			if (p && p < line + ll && (k == 0 || p == line)) {
				p += strlen(keys[k]);
				if (last_service(p, ll - (size_t)(p - line), unit, len))
					return true;
			}
			line += ll + (line[ll] ? 1 : 0);
		}
	}
	return false;
}
