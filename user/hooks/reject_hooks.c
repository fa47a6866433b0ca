// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "reject_hooks.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "whyrefused.skel.h"

static const char *const module_dir[2] = { "/sys/module/nf_reject_ipv4",
					   "/sys/module/nf_reject_ipv6" };

struct hook {
	struct bpf_program *prog;
	struct bpf_link **link;
};

/*
 * A family's hooks: both nf_send_* functions first (the ip, ip6 and inet
 * families and iptables call them: required), then the bridge/netdev
 * builders (hooked where they exist: older kernels lack them).
 */
static void family_hooks(struct whyrefused_bpf *s, int f, struct hook h[4])
{
#define H(name) (struct hook){ s->progs.name, &s->links.name }
	if (f == 0) {
		h[0] = H(kprobe_nf_send_reset);
		h[1] = H(kprobe_nf_send_unreach);
		h[2] = H(kprobe_nf_reject_skb_v4_tcp_reset);
		h[3] = H(kprobe_nf_reject_skb_v4_unreach);
	} else {
		h[0] = H(kprobe_nf_send_reset6);
		h[1] = H(kprobe_nf_send_unreach6);
		h[2] = H(kprobe_nf_reject_skb_v6_tcp_reset);
		h[3] = H(kprobe_nf_reject_skb_v6_unreach);
	}
#undef H
}

static void detach_family(struct whyrefused_bpf *s, int f)
{
	struct hook h[4];

	family_hooks(s, f, h);
	for (int i = 0; i < 4; i++) {
		bpf_link__destroy(*h[i].link);
		*h[i].link = NULL;
	}
}

static bool attach_family(struct whyrefused_bpf *s, int f)
{
	struct hook h[4];

	family_hooks(s, f, h);
	for (int i = 0; i < 4; i++) {
		if (!*h[i].link)
			*h[i].link = bpf_program__attach(h[i].prog);
		if (!*h[i].link && i < 2)
			return false;
	}
	return true;
}

static const char *const hook_names[4] = {
	"kprobe/nf_send_reset*,nf_send_unreach* (when nf_reject_ipv4/ipv6 load)",
	"kprobe/nf_send_reset,nf_send_unreach", "kprobe/nf_send_reset6,nf_send_unreach6",
	"kprobe/nf_send_reset,nf_send_unreach,nf_send_reset6,nf_send_unreach6",
};

void wr_reject_hooks_init(struct wr_reject_hooks *rh, bool avail, unsigned in_kallsyms)
{
	*rh = (struct wr_reject_hooks){ .avail = avail, .in_kallsyms = in_kallsyms };
	snprintf(rh->what, sizeof(rh->what), "%s", hook_names[0]);
}

unsigned wr_reject_hooks_poll(struct wr_reject_hooks *rh, struct whyrefused_bpf *skel,
			      uint64_t now_ns)
{
	unsigned added = 0;
	int f;

	if (!rh->avail)
		return 0;
	for (f = 0; f < 2; f++) {
		bool present = !access(module_dir[f], F_OK);

		if (rh->since_ns[f] && !present && !rh->builtin[f]) {
			detach_family(skel, f);
			rh->since_ns[f] = 0;
		}
		/* Built in: perhaps no directory; the first poll tries anyway. */
		if (rh->since_ns[f] || rh->never[f] || (!present && rh->tried))
			continue;
		if (attach_family(skel, f)) {
			rh->since_ns[f] = now_ns;
			rh->builtin[f] = !present;
			added |= 1u << f;
		} else {
			detach_family(skel, f);	/* half a family tells nothing */
			/* In the kernel yet not hookable (inlined, renamed): do not guess. */
			rh->never[f] = !rh->tried && (rh->in_kallsyms >> f & 1);
		}
	}
	rh->tried = true;
	snprintf(rh->what, sizeof(rh->what), "%s",
		 hook_names[(rh->since_ns[0] ? 1 : 0) | (rh->since_ns[1] ? 2 : 0)]);
	return added;
}

bool wr_reject_hooks_watched(const struct wr_reject_hooks *rh, int family, uint64_t ts_ns)
{
	int f = family == AF_INET6;

	if (!rh->avail || rh->never[f])
		return false;
	if (rh->since_ns[f])
		return ts_ns >= rh->since_ns[f];
	/* No module, no REJECT: what was blocked was dropped. */
	return access(module_dir[f], F_OK) != 0;
}
