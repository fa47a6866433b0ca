// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * journal_send.c for build/whyrefused-static: Debian ships libsystemd as a
 * shared library only, so this build cannot write to the journal.
 */
#include "journal_send.h"

#include <errno.h>
#include <stdio.h>

int wr_journal_check(char *err, size_t errlen)
{
	snprintf(err, errlen, "--journal: this build has no libsystemd (the static binary): "
		 "use the packaged whyrefused, or pipe --json to systemd-cat -t whyrefused");
	return -ENOSYS;
}

int wr_journal_send(const struct wr_journal_entry *e)
{
	(void)e;
	return -ENOSYS;
}
