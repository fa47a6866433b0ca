// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libFuzzer: one recv() of a NETLINK_SOCK_DIAG dump of TCP listeners. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "sock_diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wr_listener_list l = { 0 };
	void *buf = fuzz_bytes(data, size);

	if (!buf)
		return 0;
	wr_diag_parse(buf, size, 4026531840u, &l);
	wr_listener_list_free(&l);
	free(buf);
	return 0;
}
