// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: arbitrary bytes as /proc/PID/stat, whose comm field a process
 * names itself (parentheses, spaces, a fake state included). Running is
 * said only with a state after the last ')'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proc_owner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *stat = malloc(size + 1);
	const char *paren;

	if (!stat)
		return 0;
	memcpy(stat, data, size);
	stat[size] = '\0';
	if (wr_stat_running(stat)) {
		paren = strrchr(stat, ')');
		if (!paren || paren[2] == 'Z' || paren[2] == 'X' || paren[3] != ' ')
			abort();
	}
	free(stat);
	return 0;
}
