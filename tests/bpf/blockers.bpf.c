// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Programs that decide about a SYN the way daemons' programs do, for the
 * BPF-blocker scenarios (tests/integration/test_blocker_*.sh): an sk_lookup
 * program refusing port 22, cgroup ingress programs dropping everything
 * (one named as systemd names its IPAddressDeny= program), a tc/tcx one
 * dropping TCP to port 7022, an XDP one dropping TCP to port 7023, and a
 * SO_REUSEPORT group's program that picks no socket.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define REFUSED_PORT	22
#define TC_PORT		7022
#define XDP_PORT	7023

SEC("sk_lookup")
int refuse_ssh(struct bpf_sk_lookup *ctx)
{
	return ctx->local_port == REFUSED_PORT ? SK_DROP : SK_PASS;
}

/* A SO_REUSEPORT group's program that picks no socket: the lookup finds none. */
SEC("sk_reuseport")
int reuse_none(struct sk_reuseport_md *md)
{
	return SK_DROP;
}

/* systemd's name for the program IPAddressDeny=/IPAddressAllow= compile to. */
SEC("cgroup_skb/ingress")
int sd_fw_ingress(struct __sk_buff *skb)
{
	return 0;
}

SEC("cgroup_skb/ingress")
int api_guard(struct __sk_buff *skb)
{
	return 0;
}

/* TCP to `port` over IPv4 behind an Ethernet header in [data, end). */
static __always_inline bool tcp_to(void *data, void *end, __u16 port)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct tcphdr *tcp;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_TCP || ip->ihl != 5)
		return false;
	tcp = (void *)(ip + 1);
	return (void *)(tcp + 1) <= end && tcp->dest == bpf_htons(port);
}

SEC("tc")
int drop_7022(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;

	return tcp_to(data, end, TC_PORT) ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("xdp")
int xdp_drop_7023(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	return tcp_to(data, end, XDP_PORT) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
