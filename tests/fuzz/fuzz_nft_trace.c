// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: one recv() from the NFNLGRP_NFTRACE group, split into messages
 * as fw_rules.c's drain() does, each decoded as an NFT_MSG_TRACE. Whatever
 * the bytes, libnftnl must neither exit() nor read outside the message.
 */
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nft_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* drain()'s buffer is 8 KiB: libmnl reads a message to its 4-byte aligned end. */
	void *buf = calloc(1, NLMSG_ALIGN(size) + 1);
	const struct nlmsghdr *h = buf;
	int rem = (int)size;
	struct wr_nft_trace t;
	char verdict[64];

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	for (; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem))
		if (!wr_nft_trace_decode(h, &t))
			wr_nft_verdict_name(&t, verdict, sizeof(verdict));
	free(buf);
	return 0;
}
