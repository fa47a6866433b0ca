// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libFuzzer: a namespace's /proc/net/netstat ("TcpExt: ..." name/value line pairs). */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "netstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);

	if (!text)
		return 0;
	wr_netstat_value(text, "TcpExt", "ListenOverflows");
	wr_netstat_value(text, "IpExt", "InOctets");
	wr_netstat_value(text, "", "");
	free(text);
	return 0;
}
