// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --watch-client's pure parts: the address, the classic BPF filter (run
 * here by a small interpreter of the instructions it uses, on packets
 * built byte by byte), the packet reader, the window, the fates, the
 * request line and the report's words.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "client_watch.h"
#include "watch_request.h"
#include "watch_words.h"

/* Classic BPF as the kernel runs it on a SOCK_DGRAM packet socket. */
static uint32_t run_filter(const struct sock_filter *f, size_t n, const uint8_t *p, size_t len,
			   uint16_t proto, uint8_t pkttype)
{
	uint32_t a = 0, x = 0;

	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];
		uint32_t k = i->k, off;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_PROTOCOL)) { a = proto; break; }
			if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE)) { a = pkttype; break; }
			if (k + 4 > len) return 0;
			a = (uint32_t)p[k] << 24 | p[k + 1] << 16 | p[k + 2] << 8 | p[k + 3];
			break;
		case BPF_LD | BPF_H | BPF_ABS:
			if (k + 2 > len) return 0;
			a = (uint32_t)(p[k] << 8 | p[k + 1]);
			break;
		case BPF_LD | BPF_B | BPF_ABS:
			if (k + 1 > len) return 0;
			a = p[k];
			break;
		case BPF_LD | BPF_B | BPF_IND:
			off = x + k;
			if (off + 1 > len) return 0;
			a = p[off];
			break;
		case BPF_LDX | BPF_B | BPF_MSH:
			if (k + 1 > len) return 0;
			x = (uint32_t)(p[k] & 0xf) * 4;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & k) ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return k;
		default:
			fail_msg("instruction 0x%x not known to the test's interpreter", i->code);
		}
	}
	fail_msg("the filter ran off its end");
	return 0;
}

/* An IPv4 TCP segment (or ICMP error quoting one) from src to dst, flags given. */
static size_t ip4_tcp(uint8_t *p, const char *src, const char *dst, uint16_t sport,
		      uint16_t dport, uint8_t flags)
{
	memset(p, 0, 40);
	p[0] = 0x45;
	p[9] = IPPROTO_TCP;
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, dst, p + 16);
	p[20] = (uint8_t)(sport >> 8), p[21] = (uint8_t)sport;
	p[22] = (uint8_t)(dport >> 8), p[23] = (uint8_t)dport;
	p[32] = 0x50;
	p[33] = flags;
	return 40;
}

static size_t ip6_tcp(uint8_t *p, const char *src, const char *dst, uint16_t sport,
		      uint16_t dport, uint8_t flags)
{
	memset(p, 0, 60);
	p[0] = 0x60;
	p[6] = IPPROTO_TCP;
	inet_pton(AF_INET6, src, p + 8);
	inet_pton(AF_INET6, dst, p + 24);
	p[40] = (uint8_t)(sport >> 8), p[41] = (uint8_t)sport;
	p[42] = (uint8_t)(dport >> 8), p[43] = (uint8_t)dport;
	p[52] = 0x50;
	p[53] = flags;
	return 60;
}

/* An ICMP destination unreachable from `from` to `to` quoting the client's SYN. */
static size_t ip4_icmp(uint8_t *p, const char *from, const char *to, uint16_t sport,
		       uint16_t dport)
{
	memset(p, 0, 28);
	p[0] = 0x45;
	p[9] = IPPROTO_ICMP;
	inet_pton(AF_INET, from, p + 12);
	inet_pton(AF_INET, to, p + 16);
	p[20] = 3, p[21] = 13;
	return 28 + ip4_tcp(p + 28, to, from, sport, dport, 0x02);
}

static void test_addresses(void **state)
{
	struct wr_cidr c;
	char err[256], s[64];
	uint8_t a[16];

	assert_int_equal(wr_watch_parse_addr("192.0.2.7", &c, err, sizeof(err)), 0);
	wr_watch_addr_str(&c, s, sizeof(s));
	assert_string_equal(s, "192.0.2.7");
	assert_int_equal(wr_watch_parse_addr("198.51.100.77/24", &c, err, sizeof(err)), 0);
	wr_watch_addr_str(&c, s, sizeof(s));
	assert_string_equal(s, "198.51.100.0/24");
	inet_pton(AF_INET, "198.51.100.200", a);
	assert_true(wr_watch_addr_match(&c, AF_INET, a));
	inet_pton(AF_INET, "198.51.101.1", a);
	assert_false(wr_watch_addr_match(&c, AF_INET, a));
	assert_int_equal(wr_watch_parse_addr("2001:db8::7/127", &c, err, sizeof(err)), 0);
	inet_pton(AF_INET6, "2001:db8::6", a);
	assert_true(wr_watch_addr_match(&c, AF_INET6, a));
	inet_pton(AF_INET6, "2001:db8::8", a);
	assert_false(wr_watch_addr_match(&c, AF_INET6, a));
	assert_false(wr_watch_addr_match(&c, AF_INET, a));
	const char *bad[] = { "", "300.1.1.1", "192.0.2.0/33", "client.example", "2001:db8::/129",
			      "192.0.2.1/", "192.0.2.1 ", "-1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(wr_watch_parse_addr(bad[i], &c, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "invalid --watch-client"));
		assert_null(strchr(err, '\n'));
	}
}

static void test_filter_v4(void **state)
{
	struct sock_filter f[WR_WATCH_FILTER_MAX];
	struct wr_cidr c;
	char err[128];
	uint8_t p[128];
	size_t n, len;

	wr_watch_parse_addr("192.0.2.0/30", &c, err, sizeof(err));
	n = wr_watch_filter(&c, f, WR_WATCH_FILTER_MAX);
	assert_true(n > 0 && n <= WR_WATCH_FILTER_MAX);
	/* In: a SYN from the client passes, a SYN-ACK or an ACK from it does not. */
	len = ip4_tcp(p, "192.0.2.2", "192.0.2.10", 40000, 22, 0x02);
	assert_true(run_filter(f, n, p, len, ETH_P_IP, PACKET_HOST) > 0);
	len = ip4_tcp(p, "192.0.2.3", "192.0.2.10", 40000, 22, 0x02);
	assert_true(run_filter(f, n, p, len, ETH_P_IP, PACKET_HOST) > 0);
	len = ip4_tcp(p, "192.0.2.4", "192.0.2.10", 40000, 22, 0x02);
	assert_int_equal(run_filter(f, n, p, len, ETH_P_IP, PACKET_HOST), 0);
	len = ip4_tcp(p, "192.0.2.2", "192.0.2.10", 40000, 22, 0x12);
	assert_int_equal(run_filter(f, n, p, len, ETH_P_IP, PACKET_HOST), 0);
	len = ip4_tcp(p, "192.0.2.2", "192.0.2.10", 40000, 22, 0x10);
	assert_int_equal(run_filter(f, n, p, len, ETH_P_IP, PACKET_HOST), 0);
	/* Its own SYN leaving (a client on this host) is not an arrival. */
	len = ip4_tcp(p, "192.0.2.2", "192.0.2.10", 40000, 22, 0x02);
	assert_int_equal(run_filter(f, n, p, len, ETH_P_IP, PACKET_OUTGOING), 0);
	/* A later fragment carries no TCP header. */
	p[6] = 0x00, p[7] = 0x10;
	assert_int_equal(run_filter(f, n, p, len, ETH_P_IP, PACKET_HOST), 0);
	/* Out: SYN-ACK, RST, RST-ACK and ICMP unreachable to the client; not data. */
	len = ip4_tcp(p, "192.0.2.10", "192.0.2.2", 22, 40000, 0x12);
	assert_true(run_filter(f, n, p, len, ETH_P_IP, PACKET_OUTGOING) > 0);
	len = ip4_tcp(p, "192.0.2.10", "192.0.2.2", 22, 40000, 0x14);
	assert_true(run_filter(f, n, p, len, ETH_P_IP, PACKET_OUTGOING) > 0);
	len = ip4_tcp(p, "192.0.2.10", "192.0.2.2", 22, 40000, 0x18);
	assert_int_equal(run_filter(f, n, p, len, ETH_P_IP, PACKET_OUTGOING), 0);
	len = ip4_tcp(p, "192.0.2.10", "198.51.100.2", 22, 40000, 0x12);
	assert_int_equal(run_filter(f, n, p, len, ETH_P_IP, PACKET_OUTGOING), 0);
	len = ip4_icmp(p, "192.0.2.10", "192.0.2.2", 40000, 22);
	assert_true(run_filter(f, n, p, len, ETH_P_IP, PACKET_OUTGOING) > 0);
	p[20] = 8;	/* an echo request is no answer to a SYN */
	assert_int_equal(run_filter(f, n, p, len, ETH_P_IP, PACKET_OUTGOING), 0);
	/* Another protocol: nothing. */
	len = ip4_tcp(p, "192.0.2.2", "192.0.2.10", 40000, 22, 0x02);
	assert_int_equal(run_filter(f, n, p, len, ETH_P_IPV6, PACKET_HOST), 0);
	/* An IP header with options: the TCP header is found after them. */
	memmove(p + 24, p + 20, 20);
	memset(p + 20, 1, 4);
	p[0] = 0x46;
	assert_true(run_filter(f, n, p, 44, ETH_P_IP, PACKET_HOST) > 0);
	/* Too small a buffer: no filter. */
	assert_int_equal(wr_watch_filter(&c, f, 8), 0);
}

static void test_filter_v6(void **state)
{
	struct sock_filter f[WR_WATCH_FILTER_MAX];
	struct wr_cidr c;
	char err[128];
	uint8_t p[128];
	size_t n, len;

	wr_watch_parse_addr("2001:db8::2", &c, err, sizeof(err));
	n = wr_watch_filter(&c, f, WR_WATCH_FILTER_MAX);
	assert_true(n > 0);
	len = ip6_tcp(p, "2001:db8::2", "2001:db8::1", 40000, 22, 0x02);
	assert_true(run_filter(f, n, p, len, ETH_P_IPV6, PACKET_HOST) > 0);
	len = ip6_tcp(p, "2001:db8::3", "2001:db8::1", 40000, 22, 0x02);
	assert_int_equal(run_filter(f, n, p, len, ETH_P_IPV6, PACKET_HOST), 0);
	len = ip6_tcp(p, "2001:db8::1", "2001:db8::2", 22, 40000, 0x14);
	assert_true(run_filter(f, n, p, len, ETH_P_IPV6, PACKET_OUTGOING) > 0);
	len = ip6_tcp(p, "2001:db8::1", "2001:db8::2", 22, 40000, 0x12);
	assert_true(run_filter(f, n, p, len, ETH_P_IPV6, PACKET_OUTGOING) > 0);
	len = ip6_tcp(p, "2001:db8::2", "2001:db8::1", 40000, 22, 0x02);
	assert_int_equal(run_filter(f, n, p, len, ETH_P_IP, PACKET_HOST), 0);
	/* A /0 matches every address of the family. */
	wr_watch_parse_addr("::/0", &c, err, sizeof(err));
	n = wr_watch_filter(&c, f, WR_WATCH_FILTER_MAX);
	len = ip6_tcp(p, "2001:db8::99", "2001:db8::1", 40000, 22, 0x02);
	assert_true(run_filter(f, n, p, len, ETH_P_IPV6, PACKET_HOST) > 0);
}

static void test_packets(void **state)
{
	struct wr_watch_pkt k;
	uint8_t p[128], a[4];
	size_t len;

	len = ip4_tcp(p, "192.0.2.2", "192.0.2.10", 40000, 22, 0x02);
	assert_true(wr_watch_parse_pkt(p, len, ETH_P_IP, false, &k));
	assert_int_equal(k.kind, WR_PKT_SYN);
	assert_int_equal(k.client_port, 40000);
	assert_int_equal(k.server_port, 22);
	inet_pton(AF_INET, "192.0.2.2", a);
	assert_memory_equal(k.client, a, 4);
	len = ip4_tcp(p, "192.0.2.10", "192.0.2.2", 22, 40000, 0x14);
	assert_true(wr_watch_parse_pkt(p, len, ETH_P_IP, true, &k));
	assert_int_equal(k.kind, WR_PKT_RST);
	assert_int_equal(k.client_port, 40000);
	assert_memory_equal(k.client, a, 4);
	len = ip4_tcp(p, "192.0.2.10", "192.0.2.2", 22, 40000, 0x12);
	assert_true(wr_watch_parse_pkt(p, len, ETH_P_IP, true, &k));
	assert_int_equal(k.kind, WR_PKT_SYNACK);
	len = ip4_icmp(p, "192.0.2.10", "192.0.2.2", 40000, 22);
	assert_true(wr_watch_parse_pkt(p, len, ETH_P_IP, true, &k));
	assert_int_equal(k.kind, WR_PKT_ICMP);
	assert_int_equal(k.icmp_code, 13);
	assert_int_equal(k.client_port, 40000);
	assert_int_equal(k.server_port, 22);
	assert_memory_equal(k.client, a, 4);
	/* Cut anywhere: never read past the end, never a packet. */
	for (size_t cut = 0; cut < len; cut++)
		if (cut < 28 + 24)
			assert_false(wr_watch_parse_pkt(p, cut, ETH_P_IP, true, &k));
	/* A lying header length. */
	len = ip4_tcp(p, "192.0.2.2", "192.0.2.10", 40000, 22, 0x02);
	p[0] = 0x4f;
	assert_false(wr_watch_parse_pkt(p, len, ETH_P_IP, false, &k));
	len = ip6_tcp(p, "2001:db8::2", "2001:db8::1", 40000, 22, 0x02);
	assert_true(wr_watch_parse_pkt(p, len, ETH_P_IPV6, false, &k));
	assert_int_equal(k.family, AF_INET6);
	assert_false(wr_watch_parse_pkt(p, len, 0x0806, false, &k));
}

static void label(void *arg, uint32_t netns, char *buf, size_t len)
{
	snprintf(buf, len, "netns %u (/run/netns/web)", netns);
}

static void test_window_and_fates(void **state)
{
	struct wr_watch w;
	struct wr_watch_pkt k;
	struct wr_cidr c;
	uint8_t p[128];
	char err[128], text[4096];

	wr_watch_parse_addr("192.0.2.2", &c, err, sizeof(err));
	wr_watch_init(&w, &c, 1000, 60000, 10000, false);
	assert_int_equal(wr_watch_due(&w, 1000), WR_DUE_NOT_YET);
	assert_int_equal(wr_watch_due(&w, 60999), WR_DUE_NOT_YET);
	assert_int_equal(wr_watch_due(&w, 61000), WR_DUE_NONE);
	/* A SYN at 5 s and its retry at 6 s: due 10 s after the last. */
	ip4_tcp(p, "192.0.2.2", "192.0.2.10", 40000, 22, 0x02);
	wr_watch_parse_pkt(p, 40, ETH_P_IP, false, &k);
	wr_watch_note_pkt(&w, &k, 7, 2, "eth0", 5000);
	wr_watch_note_pkt(&w, &k, 7, 2, "eth0", 6000);
	assert_int_equal(w.n_syn, 1);
	assert_int_equal(w.syn[0].syns, 2);
	assert_int_equal(wr_watch_due(&w, 15999), WR_DUE_NOT_YET);
	assert_int_equal(wr_watch_due(&w, 16000), WR_DUE_REACHED);
	/* A client that keeps retrying is reported when the watch ends. */
	wr_watch_note_pkt(&w, &k, 7, 2, "eth0", 60500);
	assert_int_equal(wr_watch_due(&w, 61000), WR_DUE_REACHED);
	assert_int_equal(w.syn[0].fate, WR_FATE_SILENT);
	/* The answer of another namespace tells nothing about this one. */
	ip4_tcp(p, "192.0.2.10", "192.0.2.2", 22, 40000, 0x14);
	wr_watch_parse_pkt(p, 40, ETH_P_IP, true, &k);
	wr_watch_note_pkt(&w, &k, 8, 2, "eth0", 6001);
	assert_int_equal(w.syn[0].fate, WR_FATE_SILENT);
	wr_watch_note_pkt(&w, &k, 7, 2, "eth0", 6001);
	assert_int_equal(w.syn[0].fate, WR_FATE_REFUSED);
	wr_watch_note_refusal(&w, AF_INET, w.syn[0].client, 40000, w.syn[0].server, 22,
			      "no_listener");
	assert_string_equal(w.syn[0].cause, "no_listener");
	w.namespaces = 3;
	wr_watch_text(&w, true, 21000, label, NULL, text, sizeof(text));
	assert_string_equal(text, "WATCH    3 SYNs from 192.0.2.2 reached this host (1 connection); "
			    "watched 20 s in 3 namespaces\n"
			    "         192.0.2.2:40000 -> 192.0.2.10:22 on eth0 in netns 7 "
			    "(/run/netns/web): 3 SYNs, refused: an RST went back (no_listener, "
			    "reported above)");
	/* An RST closing an accepted connection keeps it accepted. */
	w.syn[0].fate = WR_FATE_ACCEPTED;
	wr_watch_note_pkt(&w, &k, 7, 2, "eth0", 7000);
	assert_int_equal(w.syn[0].fate, WR_FATE_ACCEPTED);
	/* Another client's packets are not this watch's. */
	ip4_tcp(p, "192.0.2.3", "192.0.2.10", 40001, 22, 0x02);
	wr_watch_parse_pkt(p, 40, ETH_P_IP, false, &k);
	wr_watch_note_pkt(&w, &k, 7, 2, "eth0", 7000);
	assert_int_equal(w.n_syn, 1);
	/* Renewed: a new round; "none arrived" is said once. */
	w.renew = true;
	wr_watch_restart(&w, 70000);
	assert_int_equal(w.n_syn, 0);
	assert_int_equal(w.syns_total, 0);
	assert_false(w.none_told);
	wr_watch_restart(&w, 140000);
	assert_true(w.none_told);
}

static void test_many_connections(void **state)
{
	struct wr_watch w;
	struct wr_watch_pkt k;
	struct wr_cidr c;
	uint8_t p[128];
	char err[128], text[8192];
	struct jw j;

	wr_watch_parse_addr("192.0.2.0/24", &c, err, sizeof(err));
	wr_watch_init(&w, &c, 0, 60000, 10000, false);
	for (unsigned i = 0; i < WR_WATCH_MAX_SYNS + 5; i++) {
		ip4_tcp(p, "192.0.2.2", "192.0.2.10", (uint16_t)(30000 + i), 22, 0x02);
		wr_watch_parse_pkt(p, 40, ETH_P_IP, false, &k);
		wr_watch_note_pkt(&w, &k, 7, 2, "eth0\x1b[2J", 100);
	}
	assert_int_equal(w.n_syn, WR_WATCH_MAX_SYNS);
	assert_int_equal(w.syns_untracked, 5);
	wr_watch_text(&w, true, 200, label, NULL, text, sizeof(text));
	assert_non_null(strstr(text, "and 5 SYNs of more connections"));
	jw_init(&j);
	jw_object_begin(&j);
	wr_watch_json(&j, &w, true, 200, label, NULL);
	jw_object_end(&j);
	assert_non_null(jw_result(&j));
	assert_non_null(strstr(jw_result(&j), "\"syns_untracked\":5"));
	assert_non_null(strstr(jw_result(&j), "eth0\\u001b[2J"));
	jw_free(&j);
}

static void test_none_arrived_words(void **state)
{
	struct wr_watch w;
	struct wr_cidr c;
	char err[128], text[4096];
	struct jw j;

	wr_watch_parse_addr("198.51.100.7", &c, err, sizeof(err));
	wr_watch_init(&w, &c, 0, 60000, 10000, false);
	w.namespaces = 1;
	wr_watch_text(&w, false, 60000, label, NULL, text, sizeof(text));
	assert_string_equal(text, "WATCH    no SYN from 198.51.100.7 reached this host: the block "
			    "is before this host: a cloud security group, a router ACL, the "
			    "client's firewall, or the client dials another address; watched 60 s "
			    "in 1 namespace");
	w.n_xdp = 1;
	w.xdp[0] = (struct wr_watch_xdp){ .netns = 7, .ifname = "eth0",
					  .mode = "native", .id = 42, .program = "ddos_guard",
					  .pid = 99, .comm = "lb-agent", .unit = "lb.service",
					  .ns_prefix = "ip netns exec web " };
	wr_watch_text(&w, false, 60000, label, NULL, text, sizeof(text));
	assert_non_null(strstr(text, "an XDP program below drops packets before any tap sees "
				     "them and may be the block"));
	assert_non_null(strstr(text, "\n         XDP program ddos_guard (id 42, native, held by "
				     "pid 99 (lb-agent, lb.service)) on eth0 in netns 7 "
				     "(/run/netns/web): ip netns exec web bpftool net show dev eth0"));
	jw_init(&j);
	jw_object_begin(&j);
	wr_watch_json(&j, &w, false, 60000, label, NULL);
	jw_object_end(&j);
	assert_non_null(strstr(jw_result(&j), "\"verdict\":\"none_arrived\""));
	assert_non_null(strstr(jw_result(&j), "\"command\":\"ip netns exec web bpftool net show "
						"dev eth0\""));
	jw_free(&j);
	/* A device named by whoever owns the namespace: one quoted word in each command. */
	snprintf(w.xdp[0].ifname, sizeof(w.xdp[0].ifname), "x;reboot");
	wr_watch_text(&w, false, 60000, label, NULL, text, sizeof(text));
	assert_non_null(strstr(text, "bpftool net show dev 'x;reboot'"));
	jw_init(&j);
	jw_object_begin(&j);
	wr_watch_json(&j, &w, false, 60000, label, NULL);
	jw_object_end(&j);
	assert_non_null(strstr(jw_result(&j), "bpftool net show dev 'x;reboot'\""));
	jw_free(&j);
}

static void test_requests(void **state)
{
	struct wr_watch_request r;
	char err[256], line[300];

	assert_int_equal(wr_watch_request_parse("watch 192.0.2.2\n", 16, &r, err, sizeof(err)), 0);
	assert_int_equal(r.who.family, AF_INET);
	assert_int_equal(r.wait_ms, 0);
	assert_false(r.json);
	assert_int_equal(wr_watch_request_parse("watch 2001:db8::/64 for=30000 window=2000 json",
						46, &r, err, sizeof(err)), 0);
	assert_int_equal(r.wait_ms, 30000);
	assert_int_equal(r.window_ms, 2000);
	assert_true(r.json);
	assert_int_equal(wr_watch_request_format(&r, line, sizeof(line)), 47);
	assert_string_equal(line, "watch 2001:db8::/64 for=30000 window=2000 json\n");
	const char *bad[] = { "", "watch", "watch \n", "report 192.0.2.2", "watch 192.0.2.2 for=1",
			      "watch 192.0.2.2 for=99999999999999999999", "watch 192.0.2.2 jsn",
			      "watch 192.0.2.2\x1b[2J", "watch 300.1.1.1", "watch 192.0.2.2 for=",
			      "watch 192.0.2.2 for=-5" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(wr_watch_request_parse(bad[i], strlen(bad[i]), &r, err,
							sizeof(err)), -1);
		assert_null(strchr(err, '\n'));
	}
	memset(line, 'a', sizeof(line));
	assert_int_equal(wr_watch_request_parse(line, sizeof(line), &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than"));
	/* A NUL inside the line is a control byte, not its end. */
	assert_int_equal(wr_watch_request_parse("watch 192.0.2.2\0 json", 21, &r, err,
						sizeof(err)), -1);
	assert_int_equal(wr_watch_request_format(&r, line, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_filter_v4),
		cmocka_unit_test(test_filter_v6),
		cmocka_unit_test(test_packets),
		cmocka_unit_test(test_window_and_fates),
		cmocka_unit_test(test_many_connections),
		cmocka_unit_test(test_none_arrived_words),
		cmocka_unit_test(test_requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
