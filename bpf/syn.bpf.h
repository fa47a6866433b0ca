/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Packet parsing and the common report path: is this skb an incoming TCP
 * SYN, does it pass the user's filters, was it already reported, and the
 * ring buffer write that every refusal goes through.
 */
#ifndef WR_SYN_BPF_H
#define WR_SYN_BPF_H

#include "maps.bpf.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#define WR_ETH_P_IP	0x0800
#define WR_ETH_P_IPV6	0x86DD
#define WR_IPPROTO_TCP	6
#define WR_IP_OFFSET	0x1fff
#define WR_NO_HEADER	((__u16)~0U)

static __always_inline void wr_count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		*v += 1;
}

/*
 * An answer is matched to its SYN by the client's side only (address, port,
 * family): NAT rewrites the server's side between the two (a REJECT of a
 * DNAT'ed SYN leaves with the address the client dialled; so does a
 * REDIRECTed listener's SYN-ACK), and a client's port is its attempt's.
 */
static __always_inline void wr_client_side(struct wr_flow *f)
{
	__builtin_memset(&f->daddr, 0, sizeof(f->daddr));
	f->dport = 0;
}

/*
 * Reads the IP header at `off` and the 20 bytes after it with one probe
 * read (each read costs more than the parsing): fills the addresses of
 * `flow` and *l4_off, and for TCP `th` and the ports. Returns the transport
 * protocol, or -1 when it is not IPv4/IPv6 or a later fragment. IPv6
 * extension headers are not followed: rare on a SYN and on its answers.
 */
static __always_inline int wr_read_ip(const unsigned char *head, __u32 off, __u16 proto,
				      struct wr_flow *flow, struct tcphdr *th, __u32 *l4_off)
{
	int l4;

	if (proto == bpf_htons(WR_ETH_P_IP)) {
		struct { struct iphdr ip; struct tcphdr th; } h;

		if (bpf_probe_read_kernel(&h, sizeof(h), head + off) || h.ip.version != 4 ||
		    (h.ip.frag_off & bpf_htons(WR_IP_OFFSET)))
			return -1;
		flow->family = WR_AF_INET;
		flow->saddr.v4 = h.ip.saddr;
		flow->daddr.v4 = h.ip.daddr;
		l4 = h.ip.protocol;
		*l4_off = off + h.ip.ihl * 4;
		if (h.ip.ihl == 5)
			*th = h.th;
		else if (l4 == WR_IPPROTO_TCP &&
			 bpf_probe_read_kernel(th, sizeof(*th), head + *l4_off))
			return -1;
	} else if (proto == bpf_htons(WR_ETH_P_IPV6)) {
		struct { struct ipv6hdr ip; struct tcphdr th; } h;

		if (bpf_probe_read_kernel(&h, sizeof(h), head + off) || h.ip.version != 6)
			return -1;
		flow->family = WR_AF_INET6;
		__builtin_memcpy(flow->saddr.v6, &h.ip.saddr, 16);
		__builtin_memcpy(flow->daddr.v6, &h.ip.daddr, 16);
		l4 = h.ip.nexthdr;
		*l4_off = off + sizeof(h.ip);
		*th = h.th;
	} else {
		return -1;
	}
	if (l4 == WR_IPPROTO_TCP) {
		flow->sport = bpf_ntohs(th->source);
		flow->dport = bpf_ntohs(th->dest);
	}
	return l4;
}

/* wr_read_ip() for TCP only: 0, or -1 when it is anything else. */
static __always_inline int wr_read_ip_tcp(const unsigned char *head, __u32 off, __u16 proto,
					  struct wr_flow *flow, struct tcphdr *th)
{
	__u32 l4_off;

	return wr_read_ip(head, off, proto, flow, th, &l4_off) == WR_IPPROTO_TCP ? 0 : -1;
}

/*
 * Fills `flow` and `th` from an IPv4/IPv6 TCP segment; returns 0, or -1
 * when `skb` is not TCP. Two ways to read the skb's own fields: probe reads
 * where `skb` is a plain address (raw_tp, kprobe), plain loads where it is
 * a BTF pointer (tp_btf, fentry), which cost a fraction of a probe read.
 */
static __always_inline int wr_parse_tcp(const struct sk_buff *skb, struct wr_flow *flow,
					struct tcphdr *th)
{
	__u16 nh = BPF_CORE_READ(skb, network_header);

	if (nh == WR_NO_HEADER)
		return -1;
	return wr_read_ip_tcp(BPF_CORE_READ(skb, head), nh, BPF_CORE_READ(skb, protocol), flow,
			      th);
}

static __always_inline int wr_parse_tcp_btf(const struct sk_buff *skb, struct wr_flow *flow,
					    struct tcphdr *th)
{
	__u16 nh = skb->network_header;

	if (nh == WR_NO_HEADER)
		return -1;
	return wr_read_ip_tcp(skb->head, nh, skb->protocol, flow, th);
}

/* A TCP SYN: no ACK, no RST. */
static __always_inline bool wr_is_syn(const struct tcphdr *th)
{
	return th->syn && !th->ack && !th->rst;
}

/* Fills `flow` and returns 0 when `skb` is a TCP SYN. */
static __always_inline int wr_parse_syn(const struct sk_buff *skb, struct wr_flow *flow)
{
	struct tcphdr th;

	return wr_parse_tcp(skb, flow, &th) || !wr_is_syn(&th) ? -1 : 0;
}

static __always_inline int wr_parse_syn_btf(const struct sk_buff *skb, struct wr_flow *flow)
{
	struct tcphdr th;

	return wr_parse_tcp_btf(skb, flow, &th) || !wr_is_syn(&th) ? -1 : 0;
}

/* A handshake's final ACK candidate: ACK, no SYN, no RST. */
static __always_inline bool wr_is_ack(const struct tcphdr *th)
{
	return th->ack && !th->syn && !th->rst;
}

/* Fills `flow` and returns 0 when `skb` is a handshake's final ACK candidate. */
static __always_inline int wr_parse_ack(const struct sk_buff *skb, struct wr_flow *flow)
{
	struct tcphdr th;

	return wr_parse_tcp(skb, flow, &th) || !wr_is_ack(&th) ? -1 : 0;
}

/*
 * The netns an skb travels in: its device's. TCP clears skb->dev of an
 * incoming segment before the socket layer handles it (the field is reused),
 * so fall back to the input route's device, which lives in the same netns.
 */
static __always_inline __u32 wr_dst_netns(unsigned long refdst)
{
	const struct dst_entry *dst = (const struct dst_entry *)(refdst & ~1UL);

	if (!dst)
		return 0;
	return BPF_CORE_READ(dst, dev, nd_net.net, ns.inum);
}

static __always_inline __u32 wr_skb_netns(const struct sk_buff *skb)
{
	const struct net_device *dev = BPF_CORE_READ(skb, dev);

	if (!dev)
		return wr_dst_netns(BPF_CORE_READ(skb, _skb_refdst));
	return BPF_CORE_READ(dev, nd_net.net, ns.inum);
}

/*
 * For tp_btf and fentry. Call it once per program, before any branch: for
 * every path it verifies through a load of a pointer field from a trusted
 * pointer (skb->dev), the verifier searches the kernel's whole BTF by name,
 * a millisecond or more of start-up each.
 */
static __always_inline __u32 wr_skb_netns_btf(const struct sk_buff *skb)
{
	const struct net_device *dev = skb->dev;

	if (!dev)
		return wr_dst_netns(skb->_skb_refdst);
	return dev->nd_net.net->ns.inum;
}

/* --port, --netns and --src, all map lookups; true when the flow is excluded. */
static __always_inline bool wr_filtered(const struct wr_flow *flow, __u32 netns)
{
	if (filter_ports && !bpf_map_lookup_elem(&port_filter, &flow->dport))
		return true;
	if (filter_netns && !bpf_map_lookup_elem(&netns_filter, &netns))
		return true;
	if (!filter_src)
		return false;
	if (flow->family == WR_AF_INET) {
		struct wr_lpm_v4 k = { .prefixlen = 32, .addr = flow->saddr.v4 };

		return !bpf_map_lookup_elem(&src4_filter, &k);
	} else {
		struct wr_lpm_v6 k = { .prefixlen = 128 };

		__builtin_memcpy(k.addr, flow->saddr.v6, 16);
		return !bpf_map_lookup_elem(&src6_filter, &k);
	}
}

/*
 * A retransmitted SYN of an attempt reported less than fold_window_ns ago
 * is counted, not sent again: returns true when `key` was seen within the
 * window (and counts the SYN). Otherwise *v is the attempt's entry, if any.
 */
static __always_inline bool wr_fold(const struct wr_fold_key *key, __u64 now,
				    struct wr_fold_val **v)
{
	*v = bpf_map_lookup_elem(&folds, key);
	if (!*v || now - (*v)->last_ns >= fold_window_ns)
		return false;
	(*v)->last_ns = now;
	__sync_fetch_and_add(&(*v)->count, 1);
	return true;
}

/*
 * An attempt that will be reported starts (or restarts) its fold window;
 * returns the SYNs folded since its previous report.
 */
static __always_inline __u32 wr_fold_start(const struct wr_fold_key *key, __u64 now,
					   const struct wr_fold_val *v)
{
	struct wr_fold_val fresh = { .last_ns = now };
	__u32 retries = v ? v->count : 0;

	bpf_map_update_elem(&folds, key, &fresh, BPF_ANY);
	return retries;
}

static __always_inline bool wr_flow_equal(const struct wr_flow *a, const struct wr_flow *b)
{
	const __u32 *x = (const __u32 *)a, *y = (const __u32 *)b;
	int i;

#pragma unroll
	for (i = 0; i < (int)(sizeof(*a) / sizeof(__u32)); i++)
		if (x[i] != y[i])
			return false;
	return true;
}

/*
 * Per-CPU notes between hooks. An answer to a SYN is sent synchronously
 * while the SYN is handled, on its CPU: the stack's no-socket RST inside
 * tcp_v4_send_reset (own_rst: net_dev_queue skips it, only a firewall's
 * answers are kept), a listener's SYN-ACK inside tcp_conn_request before
 * the SYN is consumed, or a SYN-ACK resent for a retransmitted SYN before
 * it is freed (synack_sent: the SYN was answered). So one slot per CPU
 * does what a map shared by all CPUs would, without hashing and locking on
 * every accepted connection. A note is taken once, so it is never matched
 * to another SYN, even of the same 4-tuple in another netns; its age (a
 * tick, read from jiffies: a clock read costs more than the rest) bounds a
 * note nobody took (an answer dropped before it reached a device, a
 * SYN-ACK resent by the timer).
 */
static __always_inline void wr_mark(void *map, const struct wr_flow *syn)
{
	__u32 zero = 0;
	struct wr_cpu_mark *m = bpf_map_lookup_elem(map, &zero);

	if (!m)
		return;
	m->syn = *syn;
	m->jiffies = bpf_jiffies64();
}

/*
 * A note taken later in the same softirq can still be many ticks old: the
 * SYN-ACK resent for a retransmitted SYN that handshakes.bpf.c reports wakes
 * the reader on another CPU, and a hypervisor may run that vCPU (qemu's TCG
 * round-robin for up to 100 ms) before this one frees the SYN. Debian's 6.1
 * guest then told that SYN as other_drop NOT_SPECIFIED. 250 ticks: 1 s at
 * HZ=250, the client's next retransmission at the earliest.
 */
#define WR_MARK_PAUSED_TICKS 250

/* True, once, when this CPU's note is for `syn` and at most max_age ticks old. */
static __always_inline bool wr_mark_take_within(void *map, const struct wr_flow *syn,
						__u64 max_age)
{
	__u32 zero = 0;
	struct wr_cpu_mark *m = bpf_map_lookup_elem(map, &zero);

	const __u32 *a, *b;

	if (!m || m->syn.family != syn->family || m->syn.sport != syn->sport)
		return false;	/* the client's side only: see wr_client_side() */
	a = (const __u32 *)&m->syn.saddr;
	b = (const __u32 *)&syn->saddr;
	if (a[0] != b[0] || a[1] != b[1] || a[2] != b[2] || a[3] != b[3])
		return false;
	m->syn.family = 0;	/* taken: no flow has family 0 */
	return bpf_jiffies64() - m->jiffies <= max_age;
}

/* From this tick or the last: an answer sent synchronously while the SYN is handled. */
static __always_inline bool wr_mark_take(void *map, const struct wr_flow *syn)
{
	return wr_mark_take_within(map, syn, 1);
}

/* Declared here so the build does not need a 6.15+ vmlinux.h. */
enum skb_drop_reason___wr {
	SKB_DROP_REASON_TCP_LISTEN_OVERFLOW___wr = 0,
};

/* The final ACK dropped because the accept queue was full (6.15+). */
static __always_inline bool wr_is_listen_overflow(__u32 reason)
{
	if (!bpf_core_enum_value_exists(enum skb_drop_reason___wr,
					SKB_DROP_REASON_TCP_LISTEN_OVERFLOW___wr))
		return false;
	return reason == bpf_core_enum_value(enum skb_drop_reason___wr,
					     SKB_DROP_REASON_TCP_LISTEN_OVERFLOW___wr);
}

/* The rate-limit counter of the cause userspace will give this event. */
static __always_inline __u32 wr_rl_counter(const struct wr_event *ev)
{
	if (ev->hdr.kind == WR_EV_RESET)
		return WR_CNT_RL_NO_LISTENER;
	if (ev->hdr.kind == WR_EV_HANDSHAKE)
		return WR_CNT_RL_HANDSHAKE;
	if (ev->hdr.kind == WR_EV_UNANSWERED || wr_is_listen_overflow(ev->reason))
		return WR_CNT_RL_BACKLOG;
	if (ev->reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NETFILTER_DROP))
		return WR_CNT_RL_FIREWALL;
	return WR_CNT_RL_OTHER;
}

/*
 * --rate-limit: a token bucket per CPU holding one second of events. Credit
 * is kept in event-nanoseconds so slow rates refill without rounding away.
 * Refills, and returns the bucket when it holds a token (NULL when it is
 * empty); with no limit, a bucket that never runs out.
 */
static __always_inline struct wr_bucket *wr_token(__u64 now)
{
	static struct wr_bucket unlimited;	/* no credit, never written */
	__u32 zero = 0;
	struct wr_bucket *b;
	__u64 elapsed, cap = rate_per_cpu * 1000000000ULL;

	if (!rate_per_cpu)
		return &unlimited;
	b = bpf_map_lookup_elem(&buckets, &zero);
	if (!b)
		return &unlimited;
	elapsed = now - b->last_ns;
	if (elapsed > 1000000000ULL || !b->last_ns)
		elapsed = 1000000000ULL;	/* a full bucket at most */
	b->last_ns = now;
	b->credit += elapsed * rate_per_cpu;
	if (b->credit > cap)
		b->credit = cap;
	return b->credit < 1000000000ULL ? NULL : b;
}

/* Takes the token wr_token() found (the unlimited bucket holds none: untouched). */
static __always_inline void wr_token_take(struct wr_bucket *b)
{
	if (b->credit >= 1000000000ULL)
		b->credit -= 1000000000ULL;
}

/*
 * Wake the reader for the first event after 10 ms of quiet (an isolated
 * refusal is printed at once), not for every event of a burst: those wait
 * for the reader's next poll, at most 100 ms. At 1000 events/s the wakeups,
 * not the work, were most of the reader's CPU.
 */
static __always_inline __u64 wr_wakeup_flags(__u64 now)
{
	__u32 zero = 0;
	__u64 *last = bpf_map_lookup_elem(&wakeups, &zero);

	if (!last || now - *last >= 10000000ULL) {
		if (last)
			*last = now;
		return BPF_RB_FORCE_WAKEUP;
	}
	return BPF_RB_NO_WAKEUP;
}

/*
 * The rare part of the report path: folding, and the ring buffer. A
 * subprogram of its own, JITed apart, so the path every suppressed SYN of a
 * flood takes stays a few cache lines long (inlined, the whole program cost
 * twice as much per SYN).
 */
static __noinline void wr_emit(struct wr_event *ev, struct wr_bucket *bucket)
{
	struct wr_fold_key fkey = {};
	struct wr_fold_val *fold;
	struct wr_event *out;
	__u64 now = ev->hdr.ts_ns;

	fkey.fk.flow = ev->flow;
	fkey.fk.netns = ev->netns;
	fkey.kind = ev->hdr.kind;
	if (wr_fold(&fkey, now, &fold)) {
		wr_count(WR_CNT_FOLDED);
		return;
	}
	wr_token_take(bucket);
	ev->retries = wr_fold_start(&fkey, now, fold);

	out = bpf_ringbuf_reserve(&events, sizeof(*out), 0);
	if (!out) {
		wr_count(WR_CNT_RINGBUF_FULL);
		return;
	}
	__builtin_memcpy(out, ev, sizeof(*out));
	bpf_ringbuf_submit(out, wr_wakeup_flags(now));
	wr_count(WR_CNT_EMITTED);
}

/*
 * The common report path for an incoming SYN the kernel refused. `ev`
 * arrives with flow, netns, ifindex, kind, source and reason set (the
 * callers need the netns first, to match replies and SYN-ACKs); this
 * applies filters, the rate limit and folding, and writes it to the ring
 * buffer.
 */
static __always_inline void wr_report(struct wr_event *ev)
{
	struct wr_bucket *bucket;

	wr_count(WR_CNT_SEEN);
	if (wr_filtered(&ev->flow, ev->netns)) {
		wr_count(WR_CNT_FILTERED);
		return;
	}
	ev->hdr.ts_ns = bpf_ktime_get_ns();
	/*
	 * An empty bucket first: under a flood the suppressed SYNs cost no
	 * fold-map lookup (a cache miss on a map as large as the fold map).
	 * A retransmission of a reported attempt that arrives then is counted
	 * as rate-limited, not folded.
	 */
	bucket = wr_token(ev->hdr.ts_ns);
	if (!bucket) {
		wr_count(wr_rl_counter(ev));
		return;
	}
	wr_emit(ev, bucket);
}

#endif /* WR_SYN_BPF_H */
