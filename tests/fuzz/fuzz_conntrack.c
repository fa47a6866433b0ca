// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: one recv() of ctnetlink event messages (a refused SYN's entry
 * destroyed), parsed by libnetfilter_conntrack as nfct_catch() does, its
 * tuples read as nat_lookup.c's on_destroy() reads them, and said.
 * read_entry() is static: the file is included (netns.c is linked for it).
 */
#include "../../user/containers/nat_lookup.c"

#include <dlfcn.h>
#include <setjmp.h>

#include "fuzz_input.h"

/* nfct_catch()'s own parser (deprecated as an API, not as the code it runs). */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/*
 * libnetfilter_conntrack exit()s ("ctnetlink kernel ABI is broken") on an
 * attribute that fails its validation. Only the kernel's messages reach it
 * (libnfnetlink's nfnl_recv() drops other senders'), so here that is the
 * library refusing the input: its call binds to this exit(), which jumps
 * back while in_lib is set, and is exit() otherwise.
 */
static jmp_buf lib_exit;
static volatile int in_lib;

void exit(int status)
{
	void (*real)(int) = (void (*)(int))dlsym(RTLD_NEXT, "exit");

	if (in_lib) {
		in_lib = 0;
		longjmp(lib_exit, 1);
	}
	if (real)
		real(status);
	_Exit(status);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nf_conntrack *ct;
	static struct wr_refusal r;
	void *buf = fuzz_bytes(data, size);
	const struct nlmsghdr *h = buf;
	int rem = (int)size;
	struct recent e;

	if (!buf)
		return 0;
	in_lib = 1;
	if (!setjmp(lib_exit)) {
		for (; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
			/* What libnfnetlink's nfnl_step() checks before nfct_catch()'s callback. */
			if (h->nlmsg_len < NLMSG_SPACE(sizeof(struct nfgenmsg)) ||
			    NFNL_SUBSYS_ID(h->nlmsg_type) != NFNL_SUBSYS_CTNETLINK)
				continue;
			ct = nfct_new();
			if (!ct)
				break;
			if (nfct_parse_conntrack(NFCT_T_ALL, h, ct) > 0) {
				read_entry(ct, &e.e, e.reply_daddr, &e.reply_dport);
				memset(&r, 0, sizeof(r));
				r.family = e.e.family;
				if (translated(&e.e) && wr_nat_from_entry(&e.e, 1, &r))
					wr_nat_told(&r, "this network namespace",
						       "in container web (podman)");
			}
			nfct_destroy(ct);
			ct = NULL;
		}
	}
	in_lib = 0;
	if (ct)		/* exit() in the library's parser */
		nfct_destroy(ct);
	ct = NULL;
	free(buf);
	return 0;
}
