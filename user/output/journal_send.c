// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "journal_send.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
/* CODE_FILE=journal_send.c on every record would say nothing. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

/* Where sd_journal_sendv() sends (systemd's journal-send.c). */
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

int wr_journal_check(char *err, size_t errlen)
{
	struct stat st;

	if (stat(JOURNAL_SOCKET, &st) || !S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "--journal: no systemd-journald here (%s is missing): "
			 "records go to stdout", JOURNAL_SOCKET);
		return -ENOENT;
	}
	return 0;
}

int wr_journal_send(const struct wr_journal_entry *e)
{
	return sd_journal_sendv(e->iov, (int)e->n);
}
