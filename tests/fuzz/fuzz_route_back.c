// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libFuzzer: an rtnetlink answer to RTM_GETROUTE (route_back.c), both families. */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "route_back.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Aligned, as a receive buffer is. */
	static uint32_t buf[4096];
	struct wr_route rt;

	if (size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	wr_route_parse(buf, size, AF_INET, 1, &rt);
	wr_route_parse(buf, size, AF_INET6, 1, &rt);
	return 0;
}
