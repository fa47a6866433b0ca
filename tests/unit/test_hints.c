// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hint rules over recorded inventories: what listens nearby, what stopped,
 * and which hints must not appear because they would be false.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "explain.h"
#include "hints.h"
#include "verdict.h"

#define NS_HOST 4026531840u
#define NS_WEB 4026532300u
#define NOW 1800000000

static struct wr_inventory inv;
static struct wr_proc_ends ends;

static int setup(void **state)
{
	wr_inv_init(&inv);
	memset(&ends, 0, sizeof(ends));
	return 0;
}

static int teardown(void **state)
{
	wr_inv_free(&inv);
	return 0;
}

static struct wr_listener listener(uint32_t netns, const char *addr, uint16_t port,
				   uint32_t pid, const char *comm)
{
	struct wr_listener l;

	memset(&l, 0, sizeof(l));
	l.netns = netns;
	l.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(l.family, addr, l.addr);
	l.port = port;
	l.pid = pid;
	l.wqueue = 128;
	snprintf(l.comm, sizeof(l.comm), "%s", comm);
	return l;
}

static void add(struct wr_listener l)
{
	assert_int_equal(wr_inv_add(&inv, &l), 0);
}

static void history(struct wr_listener l, bool stop, time_t at)
{
	struct wr_listen_record rec = { .ts = { at, 0 }, .stop = stop, .l = l };

	assert_int_equal(wr_inv_apply(&inv, &rec), 0);
}

static void label(void *arg, uint32_t netns, char *buf, size_t len)
{
	snprintf(buf, len, "netns %u (/run/netns/web)", netns);
}

static void ifname(void *arg, uint32_t netns, uint32_t ifindex, char *buf, size_t len)
{
	snprintf(buf, len, "eth%u", ifindex);
}

/* NS_WEB is Docker's container "web" (id WEB_ID); no other namespace is a container. */
#define WEB_ID "5006dca250ee16391d387494b367f653eb93a1314825399232417397c101017a"
#define DB_ID "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static bool netns_container(void *arg, uint32_t netns, struct wr_container *c)
{
	memset(c, 0, sizeof(*c));
	if (netns != NS_WEB)
		return false;
	snprintf(c->runtime, sizeof(c->runtime), "docker");
	snprintf(c->id, sizeof(c->id), WEB_ID);
	snprintf(c->name, sizeof(c->name), "web");
	return true;
}

/* docker-proxy (pid) on addr:port, forwarding to container `name` at to_addr:80. */
static struct wr_listener proxy(const char *addr, uint16_t port, uint32_t pid, const char *name,
				const char *id, const char *to_addr)
{
	struct wr_listener l = listener(NS_HOST, addr, port, pid, "docker-proxy");

	snprintf(l.publishes.runtime, sizeof(l.publishes.runtime), "docker");
	snprintf(l.publishes.id, sizeof(l.publishes.id), "%s", id);
	snprintf(l.publishes.name, sizeof(l.publishes.name), "%s", name);
	snprintf(l.publishes.to_addr, sizeof(l.publishes.to_addr), "%s", to_addr);
	snprintf(l.publishes.from_addr, sizeof(l.publishes.from_addr), "203.0.113.1");
	l.publishes.to_port = 80;
	if (l.family == AF_INET6)
		l.v6only = true;
	return l;
}

#define IFINDEX_IN 3	/* where the test SYNs come in */

/* A SYN to daddr:port in netns, refused with RST, explained and hinted. */
static struct wr_refusal refused_from(const char *saddr, const char *daddr, uint16_t port,
				      uint32_t netns);

static struct wr_refusal refused(const char *daddr, uint16_t port, uint32_t netns)
{
	return refused_from(strchr(daddr, ':') ? "2001:db8::2" : "192.0.2.2", daddr, port, netns);
}

/* The same, from saddr. */
static struct wr_refusal refused_from(const char *saddr, const char *daddr, uint16_t port,
				      uint32_t netns)
{
	struct wr_hint_ctx ctx = { .inv = &inv, .now = { NOW, 0 }, .netns_label = label,
				   .ifname = ifname, .ends = &ends,
				   .netns_container = netns_container };
	struct wr_refusal r;

	memset(&r, 0, sizeof(r));
	r.kind = WR_EV_RESET;
	r.source = WR_SRC_TCP_SEND_RESET;
	r.family = strchr(daddr, ':') ? AF_INET6 : AF_INET;
	strcpy(r.saddr, saddr);
	strcpy(r.daddr, daddr);
	inet_pton(r.family, daddr, r.daddr_raw);
	r.sport = 40000;
	r.dport = port;
	r.netns = netns;
	r.ifindex = IFINDEX_IN;
	r.reason = "NO_SOCKET";
	wr_explain(&r);
	wr_hints_no_listener(&ctx, &r);
	wr_verdict(&r);	/* the pipeline's end: a blocker is worded there */
	return r;
}

static bool has_hint(const struct wr_refusal *r, const char *text)
{
	for (size_t i = 0; i < r->n_hints; i++)
		if (strstr(r->hints[i], text))
			return true;
	return false;
}

static void test_same_program_on_another_port(void **state)
{
	add(listener(NS_HOST, "0.0.0.0", 2222, 812, "sshd"));
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	assert_string_equal(r.hints[0], "sshd (pid 812) on 0.0.0.0:2222 -- wrong port?");
	assert_non_null(strstr(r.explanation, "; sshd (pid 812) on 0.0.0.0:2222 -- wrong port?"));
	assert_int_equal(r.n_related, 1);
	assert_int_equal(r.related[0].relation, WR_REL_OTHER_PORT);
	assert_false(r.has_last_listener);
}

/* SO_REUSEPORT: one process, two sockets on one address and port, one hint. */
static void test_reuseport_sockets_are_one_hint(void **state)
{
	struct wr_listener a = listener(NS_HOST, "0.0.0.0", 9000, 812, "loadgen");
	struct wr_listener b = a;

	a.inode = 1001;
	b.inode = 1002;
	add(a);
	add(b);
	struct wr_refusal r = refused("192.0.2.1", 9001, NS_HOST);

	assert_int_equal(r.n_hints, 1);
	assert_string_equal(r.hints[0], "loadgen (pid 812) on 0.0.0.0:9000 -- wrong port?");
	assert_int_equal(r.n_related, 1);

	struct wr_refusal far = refused("192.0.2.1", 22, NS_HOST);

	assert_string_equal(far.hints[0],
			    "this network namespace listens on TCP port 9000 (loadgen)");
}

/* ss shows 0.0.0.0:22, but the socket only takes SYNs from the interface it is bound to. */
static void test_listener_bound_to_another_interface(void **state)
{
	struct wr_listener l = listener(NS_HOST, "0.0.0.0", 22, 812, "sshd");

	l.bound_ifindex = 7;
	add(l);
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	assert_string_equal(r.hints[0], "sshd (pid 812) on 0.0.0.0:22, bound to interface eth7: "
			    "this SYN came in on eth3 -- bound to the wrong interface or VRF?");
	assert_int_equal(r.n_related, 1);
	assert_int_equal(r.related[0].relation, WR_REL_OTHER_DEVICE);
	assert_false(has_hint(&r, "wrong port"));
}

/* Bound to the interface the SYN came in on: the device is no reason, nor a port there. */
static void test_listener_bound_to_this_interface_is_no_device_hint(void **state)
{
	struct wr_listener l = listener(NS_HOST, "0.0.0.0", 2222, 812, "sshd");
	struct wr_listener elsewhere = listener(NS_HOST, "0.0.0.0", 2223, 813, "sshd");

	l.bound_ifindex = IFINDEX_IN;
	elsewhere.bound_ifindex = 9;	/* a port this SYN could not reach */
	add(l);
	add(elsewhere);
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	assert_false(has_hint(&r, "bound to interface"));
	assert_true(has_hint(&r, "sshd (pid 812) on 0.0.0.0:2222 -- wrong port?"));
	assert_false(has_hint(&r, "0.0.0.0:2223 -- wrong port?"));
}

static void test_unrelated_port_is_listed_not_called_wrong(void **state)
{
	add(listener(NS_HOST, "0.0.0.0", 9000, 40, "app"));
	add(listener(NS_HOST, "0.0.0.0", 53, 41, "dns"));
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	assert_false(has_hint(&r, "wrong port"));
	assert_int_equal(r.n_related, 0);
	assert_true(has_hint(&r, "this network namespace listens on TCP ports "));
	assert_true(has_hint(&r, "9000 (app)"));
	assert_true(has_hint(&r, "53 (dns)"));
}

static void test_port_list_is_bounded(void **state)
{
	for (uint16_t p = 0; p < 12; p++)
		add(listener(NS_HOST, "0.0.0.0", 3000 + p * 100, 50 + p, "svc"));
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	assert_int_equal(r.n_hints, 1);
	assert_non_null(strstr(r.hints[0], ", ..."));
	assert_null(strstr(r.hints[0], "4100"));	/* the ninth is not shown */
}

static void test_nothing_listens_at_all(void **state)
{
	add(listener(NS_WEB, "0.0.0.0", 8080, 7, "nginx"));	/* another netns, another port */
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	assert_int_equal(r.n_hints, 1);
	assert_string_equal(r.hints[0], "nothing listens on any TCP port in this network namespace");
	assert_int_equal(r.n_related, 0);
}

static void test_loopback_only_listener(void **state)
{
	add(listener(NS_HOST, "127.0.0.1", 5432, 900, "postgres"));
	struct wr_refusal r = refused("192.0.2.1", 5432, NS_HOST);

	assert_string_equal(r.hints[0], "postgres (pid 900) on 127.0.0.1:5432 only, not on "
					"192.0.2.1 -- bound to the wrong address?");
	assert_int_equal(r.related[0].relation, WR_REL_OTHER_ADDRESS);
}

static void test_v6only_listener_and_ipv4_client(void **state)
{
	struct wr_listener l = listener(NS_HOST, "::", 443, 77, "nginx");

	l.v6only = true;
	add(l);
	struct wr_refusal r = refused("192.0.2.1", 443, NS_HOST);

	assert_string_equal(r.hints[0], "nginx (pid 77) on [::]:443, with IPV6_V6ONLY: it does not "
					"take IPv4 clients");
}

static void test_ipv4_listener_and_ipv6_client(void **state)
{
	add(listener(NS_HOST, "0.0.0.0", 8443, 78, "app"));
	struct wr_refusal r = refused("2001:db8::1", 8443, NS_HOST);

	assert_string_equal(r.hints[0], "app (pid 78) on 0.0.0.0:8443, IPv4 only: this client came "
					"over IPv6");
}

static void test_dual_stack_listener_takes_ipv4(void **state)
{
	struct wr_listener any6 = listener(NS_HOST, "::", 80, 1, "a");
	struct wr_listener mapped = listener(NS_HOST, "::ffff:192.0.2.1", 80, 1, "a");
	struct wr_listener v6only = any6;
	uint8_t v4[4], other[4];

	v6only.v6only = true;
	inet_pton(AF_INET, "192.0.2.1", v4);
	inet_pton(AF_INET, "192.0.2.9", other);
	assert_true(wr_listener_accepts(&any6, AF_INET, v4));
	assert_false(wr_listener_accepts(&v6only, AF_INET, v4));
	assert_true(wr_listener_accepts(&mapped, AF_INET, v4));
	assert_false(wr_listener_accepts(&mapped, AF_INET, other));
}

static void test_wrong_port_must_be_reachable(void **state)
{
	struct wr_listener v6only = listener(NS_HOST, "::", 2222, 812, "sshd");

	v6only.v6only = true;
	add(v6only);
	add(listener(NS_HOST, "127.0.0.1", 2223, 812, "sshd"));
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	/* Neither would take this IPv4 client: sending it there fixes nothing. */
	assert_false(has_hint(&r, "wrong port"));
}

static void test_listener_in_another_netns(void **state)
{
	add(listener(NS_WEB, "0.0.0.0", 80, 4242, "nginx"));
	struct wr_refusal r = refused("192.0.2.1", 80, NS_HOST);

	assert_string_equal(r.hints[0], "nginx (pid 4242) on 0.0.0.0:80 in another network "
					"namespace, netns 4026532300 (/run/netns/web) -- a "
					"container whose port is not published or forwarded?");
	assert_int_equal(r.related[0].relation, WR_REL_OTHER_NETNS);
	assert_int_equal(r.related[0].l.netns, NS_WEB);
}

static void test_stopped_service_comes_first(void **state)
{
	struct wr_listener sshd = listener(NS_HOST, "0.0.0.0", 22, 812, "sshd");

	history(sshd, false, NOW - 3600);
	history(sshd, true, NOW - 180);
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	assert_true(r.has_last_listener);
	assert_int_equal(r.last_listener.l.pid, 812);
	assert_int_equal(r.last_listener.ts.tv_sec, NOW - 180);
	assert_non_null(strstr(r.hints[0], "sshd (pid 812) on 0.0.0.0:22 stopped listening at "));
	assert_non_null(strstr(r.hints[0], ", 3 min ago -- service stopped or crashed?"));
	assert_non_null(strstr(r.explanation, "stopped listening"));
}

/* The kernel told how the process ended: the hint says it, with the unit's commands. */
static void test_stop_told_by_its_end(void **state)
{
	struct wr_listener sshd = listener(NS_HOST, "0.0.0.0", 22, 812, "sshd");
	struct wr_proc_end end = { .ts = { NOW - 180, 0 }, .pid = 812, .how = WR_END_SIGNAL,
				   .signal = 15, .by_known = true, .by_pid = 990, .by_uid = 1000,
				   .by_comm = "kill" };

	snprintf(sshd.unit, sizeof(sshd.unit), "ssh.service");
	history(sshd, false, NOW - 3600);
	history(sshd, true, NOW - 180);
	wr_proc_ends_add(&ends, &end);
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	assert_non_null(strstr(r.hints[0], "sshd (ssh.service, pid 812) on 0.0.0.0:22 was killed by "
					   "SIGTERM from kill (pid 990, uid 1000) at "));
	assert_non_null(strstr(r.hints[0], ", 3 min ago -- journalctl -u ssh.service --since '"));
	assert_non_null(strstr(r.hints[0], "'; systemctl status ssh.service"));
	assert_int_equal(r.last_end.how, WR_END_SIGNAL);
	assert_int_equal(r.restarts, 0);	/* 3 min ago: outside the 2 min window */
	assert_int_equal(r.n_hints, 2);	/* and "nothing listens..." */
}

/* An end long before the stop is another story: not matched. */
static void test_an_old_end_is_not_this_stop(void **state)
{
	struct wr_listener app = listener(NS_HOST, "0.0.0.0", 8080, 700, "app");
	struct wr_proc_end end = { .ts = { NOW - 600, 0 }, .pid = 700, .how = WR_END_EXIT };

	history(app, true, NOW - 60);
	wr_proc_ends_add(&ends, &end);
	struct wr_refusal r = refused("192.0.2.1", 8080, NS_HOST);

	assert_int_equal(r.last_end.how, WR_END_NONE);
	assert_non_null(strstr(r.hints[0], "stopped listening at "));
}

/* sshd closes 0.0.0.0 and [::] (v6-only) at once: an IPv4 client's stop is 0.0.0.0's. */
static void test_dual_stack_stop_names_the_socket_that_took_it(void **state)
{
	struct wr_listener v4 = listener(NS_HOST, "0.0.0.0", 22, 812, "sshd");
	struct wr_listener v6 = listener(NS_HOST, "::", 22, 812, "sshd");

	v6.v6only = true;
	history(v4, false, NOW - 100);
	history(v6, false, NOW - 100);
	history(v4, true, NOW - 10);
	history(v6, true, NOW - 10);
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	assert_int_equal(r.last_listener.l.family, AF_INET);
	assert_non_null(strstr(r.hints[0], "sshd (pid 812) on 0.0.0.0:22 "));
}

/* Five processes of one unit stopped within two minutes: a restart loop. */
static void test_restart_loop(void **state)
{
	for (uint32_t i = 0; i < 5; i++) {
		struct wr_listener l = listener(NS_HOST, "0.0.0.0", 22, 800 + i, "sshd");
		struct wr_proc_end end = { .ts = { NOW - 50 + 10 * i, 0 }, .pid = 800 + i,
					   .how = WR_END_EXIT, .status = 255 };

		snprintf(l.unit, sizeof(l.unit), "ssh.service");
		history(l, false, NOW - 55 + 10 * i);
		history(l, true, NOW - 50 + 10 * i);
		wr_proc_ends_add(&ends, &end);
	}
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	assert_int_equal(r.restarts, 5);
	assert_non_null(strstr(r.hints[0], "exited with status 255 at "));
	assert_string_equal(r.hints[1], "ssh.service started and stopped 5 times in the last 2 min "
					"(last: exited with status 255)");
}

/* podman's conmon held the published port: its end is the container's stop. */
static void test_stopped_container_that_published_the_port(void **state)
{
	struct wr_listener holder = listener(NS_HOST, "0.0.0.0", 8082, 900, "conmon");
	struct wr_listener web = listener(NS_HOST, "0.0.0.0", 8080, 901, "conmon");

	snprintf(holder.publishes.runtime, sizeof(holder.publishes.runtime), "podman");
	snprintf(holder.publishes.name, sizeof(holder.publishes.name), "shop");
	snprintf(web.publishes.runtime, sizeof(web.publishes.runtime), "podman");
	snprintf(web.publishes.name, sizeof(web.publishes.name), "web");
	history(holder, false, NOW - 600);
	history(holder, true, NOW - 60);
	add(web);
	struct wr_refusal r = refused("192.0.2.1", 8082, NS_HOST);

	assert_non_null(strstr(r.hints[0], "container shop (podman), which published this port, "
					   "stopped at "));
	assert_non_null(strstr(r.hints[0], ", 60 s ago (conmon, pid 900, held the port) -- podman "
					   "ps --all --filter name=shop; podman logs shop"));
	/* Another container's port is no "wrong port": listed, with its container. */
	assert_string_equal(r.hints[1], "this network namespace listens on TCP port 8080 (conmon for "
					"container web)");
}

/*
 * docker stop: the container's two proxies (0.0.0.0 and [::], one process
 * each) stop together, the [::] one last. An IPv4 client's last listener is
 * the 0.0.0.0 one, the container stopped once, its name quoted in the
 * commands, and another container's published port is no wrong port.
 */
static void test_docker_stop_is_one_stop_of_its_proxies(void **state)
{
	struct wr_listener v4 = proxy("0.0.0.0", 8082, 910, "my shop", DB_ID, "203.0.113.3");
	struct wr_listener v6 = proxy("::", 8082, 911, "my shop", DB_ID, "203.0.113.3");

	history(v4, false, NOW - 600);
	history(v6, false, NOW - 600);
	history(v4, true, NOW - 60);
	history(v6, true, NOW - 60);
	add(proxy("0.0.0.0", 8080, 920, "web", WEB_ID, "203.0.113.2"));
	add(proxy("::", 8080, 921, "web", WEB_ID, "203.0.113.2"));
	struct wr_refusal r = refused("192.0.2.1", 8082, NS_HOST);

	assert_true(r.has_last_listener);
	assert_int_equal(r.last_listener.l.family, AF_INET);
	assert_int_equal(r.last_listener.l.pid, 910);
	assert_int_equal(r.restarts, 1);
	assert_non_null(strstr(r.hints[0], "container my shop (docker), which published this port"));
	assert_non_null(strstr(r.hints[0], "-- docker ps --all --filter 'name=my shop'; docker logs "
					   "'my shop'"));
	assert_int_equal(r.n_hints, 2);
	assert_string_equal(r.hints[1], "this network namespace listens on TCP port 8080 "
					"(docker-proxy for container web)");
}

/* A container stopped twice within the restart window: two stops, not four. */
static void test_docker_restarts_count_the_container(void **state)
{
	struct wr_listener v4 = proxy("0.0.0.0", 8082, 910, "shop", DB_ID, "203.0.113.3");
	struct wr_listener v6 = proxy("::", 8082, 911, "shop", DB_ID, "203.0.113.3");

	for (int i = 0; i < 2; i++) {
		v4.pid = 910 + 10 * (uint32_t)i;
		v6.pid = 911 + 10 * (uint32_t)i;
		history(v4, false, NOW - 100 + 40 * i);
		history(v6, false, NOW - 100 + 40 * i);
		history(v4, true, NOW - 80 + 40 * i);
		history(v6, true, NOW - 79 + 40 * i);
	}
	struct wr_refusal r = refused("192.0.2.1", 8082, NS_HOST);

	assert_int_equal(r.restarts, 2);
}

/*
 * Hairpin: a client on the host dialled 127.0.0.1:8081, docker-proxy took
 * it and connected to its container, which refused. The refusal is told as
 * the proxy's connection, and web (whose port 80 is published) is no
 * "container whose port is not published".
 */
static void test_refused_behind_docker_proxy(void **state)
{
	/* Its IPv6 twin found first: the SYN (IPv4) cannot tell them apart, its family can. */
	add(proxy("::", 8081, 931, "lo", DB_ID, "203.0.113.5"));
	add(proxy("0.0.0.0", 8081, 930, "lo", DB_ID, "203.0.113.5"));
	add(proxy("0.0.0.0", 8080, 920, "web", WEB_ID, "203.0.113.2"));
	add(listener(NS_WEB, "::", 80, 950, "httpd"));
	struct wr_refusal r = refused_from("203.0.113.1", "203.0.113.5", 80, NS_HOST + 7);

	assert_non_null(strstr(r.explanation, "no socket listens on 203.0.113.5:80; the kernel "
					      "answered with RST the connection docker-proxy made "
					      "for a client of its own"));
	assert_string_equal(r.client_sees, "a connection accepted, then reset or closed by the proxy");
	assert_non_null(strstr(r.hints[0], "docker-proxy (pid 930) on 0.0.0.0:8081, the port "
					   "published for container lo (docker), accepted the "
					   "client's connection"));
	assert_non_null(strstr(r.hints[0], "(who dialled port 8081)"));
	assert_int_equal(r.related[0].relation, WR_REL_FORWARDED_BY);
	assert_int_equal(r.related[0].l.pid, 930);
	for (size_t i = 0; i < r.n_hints; i++)
		assert_null(strstr(r.hints[i], "not published"));
	for (size_t i = 0; i < r.n_related; i++)
		assert_int_not_equal(r.related[i].relation, WR_REL_OTHER_NETNS);
}

/* A client of its own (DNAT'ed, its conntrack entry not found) is no proxy's connection. */
static void test_client_behind_docker_proxy_port_is_its_own(void **state)
{
	add(proxy("0.0.0.0", 8081, 930, "lo", DB_ID, "203.0.113.5"));
	struct wr_refusal r = refused("203.0.113.5", 80, NS_HOST + 7);

	assert_string_equal(r.client_sees, "Connection refused");
	for (size_t i = 0; i < r.n_hints; i++)
		assert_null(strstr(r.hints[i], "accepted the client's connection"));
}

/* The same listener in a container that publishes nothing is still a fair question. */
static void test_container_not_publishing_is_asked(void **state)
{
	add(listener(NS_WEB, "::", 80, 950, "httpd"));
	struct wr_refusal r = refused("203.0.113.5", 80, NS_HOST + 7);

	assert_non_null(strstr(r.hints[0], "not published or forwarded?"));
}

static void test_restarted_elsewhere_same_program(void **state)
{
	struct wr_listener old = listener(NS_HOST, "0.0.0.0", 22, 812, "sshd");

	history(old, true, NOW - 10);
	history(listener(NS_HOST, "0.0.0.0", 2022, 901, "sshd"), false, NOW - 5);
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	/* 2022 does not look like 22, but it is the same program: named. */
	assert_non_null(strstr(r.hints[0], "stopped listening"));
	assert_string_equal(r.hints[1], "sshd (pid 901) on 0.0.0.0:2022 -- wrong port?");
}

static void test_other_instances_of_the_program_are_not_wrong_ports(void **state)
{
	/* Four workers of one program; one of them is killed. */
	for (uint16_t p = 0; p < 3; p++) {
		struct wr_listener l = listener(NS_HOST, "0.0.0.0", 7000 + p * 1000, 60 + p, "worker");

		history(l, false, NOW - 100);
	}
	struct wr_listener killed = listener(NS_HOST, "0.0.0.0", 9500, 70, "worker");

	history(killed, false, NOW - 100);
	history(killed, true, NOW - 20);
	struct wr_refusal r = refused("192.0.2.1", 9500, NS_HOST);

	assert_non_null(strstr(r.hints[0], "stopped listening"));
	assert_false(has_hint(&r, "wrong port"));
	assert_true(has_hint(&r, "this network namespace listens on TCP ports "));
}

static void test_same_process_still_listening_elsewhere(void **state)
{
	/* A reload moved the port: the process that stopped still listens. */
	struct wr_listener old = listener(NS_HOST, "0.0.0.0", 80, 500, "nginx");

	add(listener(NS_HOST, "0.0.0.0", 8000, 500, "nginx"));
	history(old, true, NOW - 20);
	struct wr_refusal r = refused("192.0.2.1", 80, NS_HOST);

	assert_string_equal(r.hints[1], "nginx (pid 500) on 0.0.0.0:8000 -- wrong port?");
}

static void test_listening_again_is_not_a_stop(void **state)
{
	struct wr_listener sshd = listener(NS_HOST, "0.0.0.0", 22, 812, "sshd");

	history(sshd, true, NOW - 60);
	sshd.pid = 813;
	history(sshd, false, NOW - 30);
	/* Then a refusal on 22 for another address only. */
	struct wr_refusal r = refused("2001:db8::1", 22, NS_HOST);

	assert_false(r.has_last_listener);
	assert_false(has_hint(&r, "stopped"));
	assert_true(has_hint(&r, "IPv4 only"));
}

static void test_a_stop_in_another_netns_is_not_this_one(void **state)
{
	history(listener(NS_WEB, "0.0.0.0", 22, 5, "sshd"), true, NOW - 60);
	struct wr_refusal r = refused("192.0.2.1", 22, NS_HOST);

	assert_false(r.has_last_listener);
}

static void test_owner_unknown(void **state)
{
	struct wr_listener l = listener(NS_HOST, "127.0.0.1", 25, 0, "");

	l.inode = 31337;
	add(l);
	struct wr_refusal r = refused("192.0.2.1", 25, NS_HOST);

	assert_non_null(strstr(r.hints[0], "a process not found (socket inode 31337) on "
					   "127.0.0.1:25 only"));
}

static void test_ago(void **state)
{
	struct timespec now = { NOW, 0 }, then = { NOW - 42, 0 };
	char buf[32];

	wr_format_ago(&then, &now, buf, sizeof(buf));
	assert_string_equal(buf, "42 s ago");
	then.tv_sec = NOW - 600;
	wr_format_ago(&then, &now, buf, sizeof(buf));
	assert_string_equal(buf, "10 min ago");
	then.tv_sec = NOW - 5 * 3600;
	wr_format_ago(&then, &now, buf, sizeof(buf));
	assert_string_equal(buf, "5 h ago");
	then.tv_sec = NOW - 3 * 86400;
	wr_format_ago(&then, &now, buf, sizeof(buf));
	assert_string_equal(buf, "3 days ago");
	then.tv_sec = NOW + 5;	/* clock stepped back: never negative */
	wr_format_ago(&then, &now, buf, sizeof(buf));
	assert_string_equal(buf, "0 s ago");
}

static struct wr_refusal unanswered(const struct wr_listener *target, uint64_t overflows)
{
	struct wr_hint_ctx ctx = { .inv = &inv, .now = { NOW, 0 }, .netns_label = label,
				   .ifname = ifname };
	struct wr_refusal r;

	memset(&r, 0, sizeof(r));
	r.kind = WR_EV_UNANSWERED;
	r.source = WR_SRC_CONSUME_SKB;
	r.family = AF_INET;
	strcpy(r.daddr, "192.0.2.1");
	r.dport = 7000;
	r.reason = "LISTEN_DROP";
	wr_explain(&r);
	wr_hints_backlog(&ctx, &r, target, overflows);
	wr_verdict(&r);
	return r;
}

static void test_full_queue_is_backlog_full(void **state)
{
	struct wr_listener l = listener(NS_HOST, "0.0.0.0", 7000, 300, "slow");

	l.rqueue = 2;
	l.wqueue = 1;
	struct wr_refusal r = unanswered(&l, 1);

	assert_int_equal(r.cause, WR_CAUSE_BACKLOG_FULL);
	assert_string_equal(r.reason, "LISTEN_OVERFLOW");
	assert_string_equal(r.client_sees, "Connection timed out");
	assert_non_null(strstr(r.explanation, "the accept queue of slow (pid 300) on "
					      "0.0.0.0:7000 is full (2 waiting, backlog 1)"));
	assert_true(has_hint(&r, "ListenOverflows in this network namespace rose by 1"));
	assert_int_equal(r.related[0].relation, WR_REL_TARGET);
	assert_int_equal(r.listen_overflows, 1);
}

static void test_overflow_counter_alone_is_enough(void **state)
{
	/* The queue drained between the drop and our look at it. */
	struct wr_listener l = listener(NS_HOST, "0.0.0.0", 7000, 300, "slow");
	struct wr_refusal r = unanswered(&l, 3);

	assert_int_equal(r.cause, WR_CAUSE_BACKLOG_FULL);
}

static void test_no_overflow_is_other_drop(void **state)
{
	struct wr_listener l = listener(NS_HOST, "0.0.0.0", 7000, 300, "slow");
	struct wr_refusal r = unanswered(&l, 0);

	assert_int_equal(r.cause, WR_CAUSE_OTHER_DROP);
	assert_string_equal(r.reason, "LISTEN_DROP");
	assert_non_null(strstr(r.explanation, "slow (pid 300) on 0.0.0.0:7000 took the SYN but "
					      "sent no SYN-ACK"));
	assert_false(has_hint(&r, "ListenOverflows"));
}

static void test_no_listener_found_is_other_drop(void **state)
{
	struct wr_refusal r = unanswered(NULL, 5);

	assert_int_equal(r.cause, WR_CAUSE_OTHER_DROP);
	assert_int_equal(r.n_related, 0);
}

static void test_final_ack_overflow_is_backlog_full(void **state)
{
	struct wr_hint_ctx ctx = { .inv = &inv, .now = { NOW, 0 }, .netns_label = label,
				   .ifname = ifname };
	struct wr_listener l = listener(NS_HOST, "0.0.0.0", 7000, 300, "slow");
	struct wr_refusal r;

	/* The queue drained again and the counter was read late: the reason decides. */
	memset(&r, 0, sizeof(r));
	r.kind = WR_EV_DROP;
	r.source = WR_SRC_KFREE_SKB;
	r.family = AF_INET;
	strcpy(r.daddr, "192.0.2.1");
	r.dport = 7000;
	r.reason = "TCP_LISTEN_OVERFLOW";
	wr_explain(&r);
	assert_int_equal(r.cause, WR_CAUSE_BACKLOG_FULL);
	wr_hints_backlog(&ctx, &r, &l, 0);
	wr_verdict(&r);
	assert_int_equal(r.cause, WR_CAUSE_BACKLOG_FULL);
	assert_string_equal(r.reason, "TCP_LISTEN_OVERFLOW");
	assert_non_null(strstr(r.explanation, "the accept queue of slow (pid 300) on 0.0.0.0:7000 "
					      "is full (0 waiting, backlog 128): the kernel dropped "
					      "the handshake's final ACK"));
	assert_non_null(strstr(r.client_sees, "connect() succeeded"));

	wr_hints_backlog(&ctx, &r, NULL, 0);	/* the listener went away meanwhile */
	wr_verdict(&r);
	assert_int_equal(r.cause, WR_CAUSE_BACKLOG_FULL);
	assert_non_null(strstr(r.explanation, "the accept queue of the listener on 192.0.2.1:7000 "
					      "is full"));
}

static void test_reached_listener_prefers_the_exact_address(void **state)
{
	struct wr_refusal r;

	add(listener(NS_HOST, "0.0.0.0", 7000, 1, "any"));
	add(listener(NS_HOST, "192.0.2.1", 7000, 2, "exact"));
	add(listener(NS_WEB, "192.0.2.1", 7000, 3, "elsewhere"));
	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", r.daddr_raw);
	r.dport = 7000;
	r.netns = NS_HOST;
	assert_int_equal(wr_reached_listener(&inv, &r)->pid, 2);
	inet_pton(AF_INET, "192.0.2.9", r.daddr_raw);
	assert_int_equal(wr_reached_listener(&inv, &r)->pid, 1);
	r.dport = 7001;
	assert_null(wr_reached_listener(&inv, &r));
}

/*
 * A listener that would take the SYN, and the kernel's lookup gave it none
 * (an sk_lookup program's SK_DROP): never "nothing listens", never "wrong
 * port"; the listener named as the target. A client it does not take is
 * told as before.
 */
static void test_listener_there_lookup_refused(void **state)
{
	struct wr_refusal r;

	add(listener(NS_WEB, "0.0.0.0", 22, 812, "sshd"));
	add(listener(NS_WEB, "0.0.0.0", 2222, 812, "sshd"));
	r = refused("192.0.2.1", 22, NS_WEB);
	assert_int_equal(r.blocker.kind, WR_BLK_LOOKUP);
	assert_non_null(strstr(r.explanation, "sshd (pid 812) listens on 0.0.0.0:22 and would take "
					      "this SYN, but the kernel's socket lookup did not pick it"));
	assert_null(strstr(r.explanation, "no socket listens"));
	for (size_t i = 0; i < r.n_hints; i++)
		assert_null(strstr(r.hints[i], "wrong port"));
	assert_int_equal(r.n_related, 1);
	assert_int_equal(r.related[0].relation, WR_REL_TARGET);
	assert_int_equal(r.related[0].l.port, 22);
	/* Over IPv6 the IPv4 listener takes nothing: the usual hints. */
	r = refused("2001:db8::1", 22, NS_WEB);
	assert_int_equal(r.blocker.kind, WR_BLK_NONE);
	assert_non_null(strstr(r.explanation, "no socket listens"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_same_program_on_another_port),
		T(test_listener_bound_to_another_interface),
		T(test_listener_bound_to_this_interface_is_no_device_hint),
		T(test_unrelated_port_is_listed_not_called_wrong),
		T(test_port_list_is_bounded),
		T(test_nothing_listens_at_all),
		T(test_loopback_only_listener),
		T(test_v6only_listener_and_ipv4_client),
		T(test_ipv4_listener_and_ipv6_client),
		T(test_dual_stack_listener_takes_ipv4),
		T(test_wrong_port_must_be_reachable),
		T(test_reuseport_sockets_are_one_hint),
		T(test_listener_in_another_netns),
		T(test_stopped_service_comes_first),
		T(test_restarted_elsewhere_same_program),
	T(test_stopped_container_that_published_the_port),
	T(test_docker_stop_is_one_stop_of_its_proxies),
	T(test_docker_restarts_count_the_container),
	T(test_refused_behind_docker_proxy),
	T(test_container_not_publishing_is_asked),
	T(test_client_behind_docker_proxy_port_is_its_own),
	T(test_stop_told_by_its_end),
	T(test_an_old_end_is_not_this_stop),
	T(test_dual_stack_stop_names_the_socket_that_took_it),
	T(test_restart_loop),
		T(test_other_instances_of_the_program_are_not_wrong_ports),
		T(test_same_process_still_listening_elsewhere),
		T(test_listening_again_is_not_a_stop),
		T(test_a_stop_in_another_netns_is_not_this_one),
		T(test_owner_unknown),
		T(test_ago),
		T(test_full_queue_is_backlog_full),
		T(test_overflow_counter_alone_is_enough),
		T(test_no_overflow_is_other_drop),
		T(test_no_listener_found_is_other_drop),
		T(test_final_ack_overflow_is_backlog_full),
		T(test_reached_listener_prefers_the_exact_address),
		T(test_listener_there_lookup_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
