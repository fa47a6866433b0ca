// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libFuzzer: /proc/PID/cgroup text -> the systemd unit the process runs in. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), unit[256], tiny[10];

	if (!text)
		return 0;
	wr_unit_from_cgroup(text, unit, sizeof(unit));
	wr_unit_from_cgroup(text, tiny, sizeof(tiny));
	free(text);
	return 0;
}
