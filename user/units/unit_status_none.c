// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * unit_status.c for build/whyrefused-static: Debian ships libsystemd as a
 * shared library only, so the static binary asks systemd about no unit (a
 * refusal to a port nothing listens on then says what the kernel and the
 * listener inventory know, without the unit's state).
 */
#include "unit_status.h"

#include <errno.h>

/* Whatever PID 1 is: this build cannot ask it, so it says nothing. */
bool wr_systemd_running(void)
{
	return false;
}

int wr_units_for_port(uint16_t port, struct wr_unit_facts *out, size_t max, int timeout_ms)
{
	return 0;
}

uint64_t wr_units_skipped(void)
{
	return 0;
}

int wr_run_fixed(char *const argv[], char *out, size_t len, int timeout_ms)
{
	if (len)
		out[0] = '\0';
	return -ENOSYS;
}
