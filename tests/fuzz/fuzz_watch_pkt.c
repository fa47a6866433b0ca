// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: a packet a --watch-client capture took off the wire (anyone
 * on the network chose its bytes), read back (client_watch.c), then noted
 * by a watch and its report written. The first byte picks the ethertype and
 * the direction.
 */
#include <linux/if_ether.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "client_watch.h"
#include "fuzz_input.h"
#include "watch_words.h"

static void label(void *arg, uint32_t netns, char *buf, size_t len)
{
	(void)arg;
	(void)netns;
	buf[0] = len ? '\0' : buf[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct wr_cidr any = { .family = AF_INET, .prefixlen = 0 };
	static const struct wr_cidr any6 = { .family = AF_INET6, .prefixlen = 0 };
	static struct wr_watch w;
	struct wr_watch_pkt pkt;
	uint8_t *p;
	char text[8192];
	bool v6;

	if (!size)
		return 0;
	v6 = data[0] & 1;
	p = fuzz_bytes(data + 1, size - 1);
	if (!p)
		return 0;
	wr_watch_init(&w, v6 ? &any6 : &any, 0, 60000, 10000, false);
	if (wr_watch_parse_pkt(p, size - 1, v6 ? ETH_P_IPV6 : ETH_P_IP, data[0] & 2, &pkt)) {
		wr_watch_note_pkt(&w, &pkt, 1, 2, "eth0", 1);
		wr_watch_text(&w, w.syns_total > 0, 2, label, NULL, text, sizeof(text));
	}
	free(p);
	return 0;
}
