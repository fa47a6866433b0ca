// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: a ring-buffer record as main.c takes it (a header's kind says
 * which struct; a short record is refused first), decoded and explained;
 * names in it (comm, nft table and chain) are whatever processes and
 * namespace owners chose. A process's end is described as its hint says it.
 */
#include <stdint.h>
#include <string.h>

#include "event_decode.h"
#include "explain.h"
#include "verdict.h"
#include "proc_ends.h"

static const struct wr_enum_name drops[] = { { 2, "NO_SOCKET" }, { 6, "NETFILTER_DROP" } };
static const struct wr_enum_name rsts[] = { { 0, "NOT_SPECIFIED" }, { 1, "NO_SOCKET" } };

static const char *symbolize(void *arg, uint64_t addr)
{
	return addr & 1 ? "nft_do_chain" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct wr_decode_ctx ctx = {
		.drop_reasons = { drops, 2 }, .rst_reasons = { rsts, 2 },
		.mono_to_real_ns = 1700000000000000000LL, .symbolize = symbolize,
	};
	static union {
		struct wr_event_hdr hdr;
		struct wr_event ev;
		struct wr_listen_event listen;
		struct wr_proc_event proc;
	} u;
	static struct wr_refusal r;
	struct wr_listen_record rec;
	struct wr_proc_end end;
	char buf[256];

	if (size < sizeof(u.hdr))
		return 0;
	memset(&u, 0, sizeof(u));
	memcpy(&u, data, size < sizeof(u) ? size : sizeof(u));
	/* bpf_ktime_get_ns(): CLOCK_MONOTONIC, never within centuries of 2^63. */
	u.hdr.ts_ns &= (1ULL << 62) - 1;
	u.proc.note.ts_ns &= (1ULL << 62) - 1;
	switch (u.hdr.kind) {
	case WR_EV_LISTEN:
	case WR_EV_UNLISTEN:
		if (size >= sizeof(u.listen))
			wr_decode_listen(&ctx, &u.listen, &rec);
		break;
	case WR_EV_PROC_END:
	case WR_EV_PROC_EXEC:
		if (size >= sizeof(u.proc) && !wr_decode_proc(&ctx, &u.proc, &end)) {
			wr_proc_end_describe(&end, buf, sizeof(buf));
			wr_end_how_name(end.how);
		}
		break;
	default:
		if (size >= sizeof(u.ev) && !wr_decode_event(&ctx, &u.ev, &r)) {
			wr_explain(&r);
			wr_verdict(&r);
		}
	}
	return 0;
}
