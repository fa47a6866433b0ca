// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "owner_watch.h"

#include <bpf/bpf.h>

static int owners_fd = -1;

void wr_owner_watch_init(int map_fd)
{
	owners_fd = map_fd;
}

void wr_owner_watch(uint32_t pid)
{
	uint8_t one = 1;

	if (owners_fd >= 0 && pid)
		bpf_map_update_elem(owners_fd, &pid, &one, BPF_ANY);
}
