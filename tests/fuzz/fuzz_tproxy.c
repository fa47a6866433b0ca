// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libFuzzer: a rule's text (iptables -S or nft's), read for a TPROXY port (tproxy.c). */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "tproxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	uint16_t port;

	if (!text)
		return 0;
	wr_tproxy_port(text, 80, &port);
	free(text);
	return 0;
}
