// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: arbitrary bytes as the control buffer of a recvmsg(MSG_ERRQUEUE)
 * (--client reads the ICMP error the kernel queued and who sent it), and as
 * a HOST:PORT. Whatever the lengths say, nothing is read outside the buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "client_verdict.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msghdr m = { 0 };
	struct wr_client_icmp icmp;
	char host[WR_CLIENT_HOST_MAX], err[256], name[48];
	uint16_t port;
	void *control = fuzz_bytes(data, size);
	char *text = fuzz_string(data, size);

	if (control && text) {
		m.msg_control = control;
		m.msg_controllen = size;
		if (!wr_client_read_errqueue(&m, &icmp)) {
			if (!icmp.seen || (icmp.family != AF_INET && icmp.family != AF_INET6))
				abort();
			wr_client_icmp_name(icmp.family, icmp.type, icmp.code, name, sizeof(name));
		}
		if (!wr_client_parse_target(text, host, sizeof(host), &port, err, sizeof(err)) &&
		    (port == 0 || !host[0] || strlen(host) >= sizeof(host)))
			abort();
	}
	free(control);
	free(text);
	return 0;
}
