// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: what the BPF blockers read that others wrote (blocker_words.c,
 * tc_filters.c): /proc/PID/fdinfo text, mountinfo (mount points anyone may
 * name), /proc/PID/cgroup (cgroup names anyone may choose), and an
 * rtnetlink dump of tc filters. The first byte picks which. Whatever is
 * found fits its buffer, NUL-terminated; the filters found never exceed
 * the room given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blocker.h"
#include "fuzz_input.h"
#include "tc_filters.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, out[64];
	struct wr_tc_filter f[3];
	uint32_t p, l;
	size_t n = 0;

	if (size < 1)
		return 0;
	if (data[0] % 4 == 3) {
		void *buf = fuzz_bytes(data + 1, size - 1);

		if (!buf)
			return 0;
		wr_tc_filters_parse(buf, size - 1, 0, f, 3, &n);
		if (n > 3)
			abort();
		for (size_t i = 0; i < n; i++)
			if (strnlen(f[i].name, sizeof(f[i].name)) == sizeof(f[i].name))
				abort();
		free(buf);
		return 0;
	}
	text = fuzz_string(data + 1, size - 1);
	if (!text)
		return 0;
	switch (data[0] % 4) {
	case 0:
		if (wr_fdinfo_bpf_ids(text, &p, &l) != (p || l))
			abort();
		break;
	case 1:
		if (wr_cgroup2_mount(text, out, sizeof(out)) && strnlen(out, sizeof(out)) == sizeof(out))
			abort();
		break;
	case 2:
		if (wr_cgroup2_path(text, out, sizeof(out)) && out[0] != '/')
			abort();
		if (wr_blocker_cgroup_unit(text, out, sizeof(out)) && strchr(out, '/'))
			abort();
		break;
	}
	free(text);
	return 0;
}
