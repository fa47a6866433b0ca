// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Docker's state as dockerd 20.10 writes it (config.v2.json, daemon.json),
 * dockerd's and docker-proxy's arguments as they run, and the lookups over
 * a made-up /proc and data root: the container a docker-proxy forwards to,
 * a container's name under any data root, the container at an address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "docker_state.h"

#define ID "5006dca250ee16391d387494b367f653eb93a1314825399232417397c101017a"
#define ID2 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* config.v2.json as dockerd 20.10 wrote it (cut to what matters, labels first). */
#define CONFIG(id, name, running, ip)                                                        \
	"{\"StreamConfig\":{},\"State\":{\"Running\":" running ",\"Paused\":false,\"Pid\":361},"  \
	"\"ID\":\"" id "\",\"Config\":{\"Labels\":{\"Name\":\"/evil\",\"ID\":\"" ID2 "\"},"     \
	"\"Cmd\":[\"httpd\",\"-f\"]},\"Name\":\"/" name "\",\"NetworkSettings\":{\"Bridge\":\"\"," \
	"\"Ports\":{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"}]},\"Networks\":"   \
	"{\"bridge\":{\"IPAMConfig\":null,\"Gateway\":\"203.0.113.1\",\"IPAddress\":\"" ip "\","\
	"\"GlobalIPv6Address\":\"\"}," \
	"\"other\":{\"IPAddress\":\"203.0.113.9\",\"GlobalIPv6Address\":\"2001:db8::9\"}}}}"

static void test_config(void **state)
{
	struct wr_docker_config c;

	(void)state;
	assert_true(wr_docker_parse_config(CONFIG(ID, "web", "true", "203.0.113.2"), &c));
	assert_string_equal(c.id, ID);
	assert_string_equal(c.name, "web");
	assert_true(c.running);
	assert_int_equal(c.n_addrs, 3);
	assert_string_equal(c.addrs[0], "203.0.113.2");
	assert_string_equal(c.addrs[1], "203.0.113.9");
	assert_string_equal(c.addrs[2], "2001:db8::9");
	assert_string_equal(c.gateways[0], "203.0.113.1");
	assert_string_equal(c.gateways[1], "");
	assert_true(wr_docker_parse_config(CONFIG(ID, "gone", "false", ""), &c));
	assert_false(c.running);
	assert_int_equal(c.n_addrs, 2);
	/* No id of 64 hex digits, or no JSON: nothing. */
	assert_false(wr_docker_parse_config("{\"ID\":\"abc\",\"Name\":\"/x\"}", &c));
	assert_false(wr_docker_parse_config("{\"ID\":\"" ID "\",\"Name\":\"/x\"", &c) && c.running);
	assert_false(wr_docker_parse_config("", &c));
	/* A name dockerd would refuse still comes out as read: hints quote it. */
	assert_true(wr_docker_parse_config("{\"ID\":\"" ID "\",\"Name\":\"/a b'c\"}", &c));
	assert_string_equal(c.name, "a b'c");
}

static void test_daemon_json(void **state)
{
	char root[128];

	(void)state;
	assert_true(wr_docker_daemon_json_root("{\"log-level\":\"info\",\"data-root\":\"/srv/docker\"}",
					       root, sizeof(root)));
	assert_string_equal(root, "/srv/docker");
	assert_true(wr_docker_daemon_json_root("{\"graph\":\"/old\"}", root, sizeof(root)));
	assert_string_equal(root, "/old");
	/* Nested or relative: not a data root. */
	assert_false(wr_docker_daemon_json_root("{\"x\":{\"data-root\":\"/srv\"}}", root, sizeof(root)));
	assert_false(wr_docker_daemon_json_root("{\"data-root\":\"srv\"}", root, sizeof(root)));
	assert_string_equal(root, "");
	assert_false(wr_docker_daemon_json_root("{", root, sizeof(root)));
}

static size_t args(char *buf, size_t len, const char *const *v)
{
	size_t n = 0;

	for (; *v; v++)
		n += (size_t)snprintf(buf + n, len - n, "%s", *v) + 1;
	return n;
}

static void test_dockerd_args(void **state)
{
	static const char *const a1[] = { "/usr/sbin/dockerd", "-H", "fd://", "--data-root",
					  "/srv/d", "--config-file=/etc/d.json", NULL };
	static const char *const a2[] = { "dockerd", "-g=/var/g", NULL };
	static const char *const a3[] = { "dockerd", "--graph", "/var/g2", "--config-file", NULL };
	static const char *const a4[] = { "dockerd", "--data-root", "rel", "--data-rootx=/x", NULL };
	char buf[512], root[64], config[64];
	size_t n;

	(void)state;
	n = args(buf, sizeof(buf), a1);
	wr_dockerd_args(buf, n, root, sizeof(root), config, sizeof(config));
	assert_string_equal(root, "/srv/d");
	assert_string_equal(config, "/etc/d.json");
	n = args(buf, sizeof(buf), a2);
	wr_dockerd_args(buf, n, root, sizeof(root), config, sizeof(config));
	assert_string_equal(root, "/var/g");
	assert_string_equal(config, "");
	n = args(buf, sizeof(buf), a3);
	wr_dockerd_args(buf, n, root, sizeof(root), config, sizeof(config));
	assert_string_equal(root, "/var/g2");
	assert_string_equal(config, "");
	n = args(buf, sizeof(buf), a4);
	wr_dockerd_args(buf, n, root, sizeof(root), config, sizeof(config));
	assert_string_equal(root, "");
	/* The last argument's NUL missing: not read past the buffer. */
	memcpy(buf, "dockerd\0--data-root\0/abc", 24);
	wr_dockerd_args(buf, 24, root, sizeof(root), config, sizeof(config));
	assert_string_equal(root, "");
}

static void test_proxy_args(void **state)
{
	static const char *const v4[] = { "/usr/sbin/docker-proxy", "-proto", "tcp", "-host-ip",
					  "0.0.0.0", "-host-port", "8080", "-container-ip",
					  "203.0.113.2", "-container-port", "80", NULL };
	static const char *const v6[] = { "/usr/sbin/docker-proxy", "-proto", "tcp", "-host-ip", "::",
					  "-host-port", "8080", "-container-ip", "2001:db8::2",
					  "-container-port", "8000", NULL };
	static const char *const other[] = { "/usr/sbin/sshd", "-container-ip", "203.0.113.2",
					     "-container-port", "80", NULL };
	static const char *const bad[] = { "docker-proxy", "-container-ip", "x; rm",
					   "-container-port", "80", NULL };
	static const char *const badport[] = { "docker-proxy", "-container-ip", "203.0.113.2",
					       "-container-port", "70000", NULL };
	char buf[512], addr[46];
	uint16_t port;
	size_t n;

	(void)state;
	n = args(buf, sizeof(buf), v4);
	assert_true(wr_docker_proxy_args(buf, n, addr, sizeof(addr), &port));
	assert_string_equal(addr, "203.0.113.2");
	assert_int_equal(port, 80);
	n = args(buf, sizeof(buf), v6);
	assert_true(wr_docker_proxy_args(buf, n, addr, sizeof(addr), &port));
	assert_string_equal(addr, "2001:db8::2");
	assert_int_equal(port, 8000);
	n = args(buf, sizeof(buf), other);
	assert_false(wr_docker_proxy_args(buf, n, addr, sizeof(addr), &port));
	n = args(buf, sizeof(buf), bad);
	assert_false(wr_docker_proxy_args(buf, n, addr, sizeof(addr), &port));
	assert_string_equal(addr, "");
	n = args(buf, sizeof(buf), badport);
	assert_false(wr_docker_proxy_args(buf, n, addr, sizeof(addr), &port));
	assert_int_equal(port, 0);
	assert_false(wr_docker_proxy_args("", 0, addr, sizeof(addr), &port));
}

static void test_exe(void **state)
{
	(void)state;
	assert_true(wr_docker_exe("/usr/sbin/dockerd", "dockerd"));
	assert_true(wr_docker_exe("/usr/bin/dockerd (deleted)", "dockerd"));
	assert_true(wr_docker_exe("/usr/sbin/docker-proxy", "docker-proxy"));
	assert_true(wr_docker_exe("/usr/libexec/docker/docker-proxy", "docker-proxy"));
	assert_false(wr_docker_exe("/tmp/dockerd", "dockerd"));
	assert_false(wr_docker_exe("/usr/sbin/dockerdx", "dockerd"));
	assert_false(wr_docker_exe("/usr/sbin/dockerd (deleted)x", "dockerd"));
	assert_false(wr_docker_exe("/home/u/usr/sbin/dockerd", "dockerd"));
}

static void put(const char *root, const char *rel, const char *text, size_t len)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite(text, 1, len ? len : strlen(text), f);
	fclose(f);
}

static void link_exe(const char *root, int pid, const char *target)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/proc/%d/exe", root, pid);
	assert_int_equal(symlink(target, path), 0);
}

#define ROOT_STATUS(ppid) "Name:\tx\nPPid:\t" ppid "\nUid:\t0\t0\t0\t0\n"

/*
 * dockerd 10 (--data-root /srv/d) runs web and its proxies 11 (v4) and 12
 * (v6); dockerd 20 keeps its data root in its --config-file's data-root;
 * 30 is a docker-proxy copied elsewhere, 31 one run by a user, 32 one
 * whose parent is no dockerd.
 */
static void test_live(void **state)
{
	static const char *const d1[] = { "/usr/sbin/dockerd", "--data-root", "/srv/d", NULL };
	static const char *const d2[] = { "/usr/sbin/dockerd", "--config-file", "/etc/d.json", NULL };
	static const char *const p4[] = { "/usr/sbin/docker-proxy", "-container-ip", "203.0.113.2",
					  "-container-port", "80", NULL };
	static const char *const p6[] = { "/usr/sbin/docker-proxy", "-container-ip", "2001:db8::9",
					  "-container-port", "80", NULL };
	char root[] = "/tmp/wr-docker.XXXXXX", buf[512], cmd[128], name[64];
	struct wr_container c;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(root));
	n = args(buf, sizeof(buf), d1);
	put(root, "proc/10/cmdline", buf, n);
	put(root, "proc/10/comm", "dockerd\n", 0);
	put(root, "proc/10/status", ROOT_STATUS("1"), 0);
	link_exe(root, 10, "/usr/sbin/dockerd");
	put(root, "proc/10/root/srv/d/containers/" ID "/config.v2.json",
	    CONFIG(ID, "web", "true", "203.0.113.2"), 0);
	/* A stopped container once had the address: not the one. */
	put(root, "proc/10/root/srv/d/containers/" ID2 "/config.v2.json",
	    CONFIG(ID2, "old", "false", "203.0.113.2"), 0);
	n = args(buf, sizeof(buf), p4);
	put(root, "proc/11/cmdline", buf, n);
	put(root, "proc/11/status", ROOT_STATUS("10"), 0);
	link_exe(root, 11, "/usr/sbin/docker-proxy");
	n = args(buf, sizeof(buf), p6);
	put(root, "proc/12/cmdline", buf, n);
	put(root, "proc/12/status", ROOT_STATUS("10"), 0);
	link_exe(root, 12, "/usr/sbin/docker-proxy");

	assert_true(wr_docker_proxy_container(root, 11, &c));
	assert_string_equal(c.runtime, "docker");
	assert_string_equal(c.id, ID);
	assert_string_equal(c.name, "web");
	assert_string_equal(c.to_addr, "203.0.113.2");
	assert_int_equal(c.to_port, 80);
	assert_string_equal(c.from_addr, "203.0.113.1");
	assert_true(wr_docker_proxy_container(root, 12, &c));
	assert_string_equal(c.name, "web");
	assert_string_equal(c.to_addr, "2001:db8::9");
	assert_true(wr_container_port_holder(root, 11, "docker-proxy", &c));
	assert_string_equal(c.name, "web");
	assert_false(wr_container_port_holder(root, 11, "sshd", &c));

	/* Impostors: a copy elsewhere, a user's, a parent that is no dockerd. */
	n = args(buf, sizeof(buf), p4);
	put(root, "proc/30/cmdline", buf, n);
	put(root, "proc/30/status", ROOT_STATUS("10"), 0);
	link_exe(root, 30, "/tmp/docker-proxy");
	assert_false(wr_docker_proxy_container(root, 30, &c));
	assert_string_equal(c.runtime, "");
	put(root, "proc/31/cmdline", buf, n);
	put(root, "proc/31/status", "Name:\tx\nPPid:\t10\nUid:\t1000\t1000\t1000\t1000\n", 0);
	link_exe(root, 31, "/usr/sbin/docker-proxy");
	assert_false(wr_docker_proxy_container(root, 31, &c));
	put(root, "proc/32/cmdline", buf, n);
	put(root, "proc/32/status", ROOT_STATUS("31"), 0);
	link_exe(root, 32, "/usr/sbin/docker-proxy");
	assert_true(wr_docker_proxy_container(root, 32, &c));	/* a proxy, container unknown */
	assert_string_equal(c.id, "");
	assert_string_equal(c.to_addr, "203.0.113.2");

	/* Names and addresses through every running dockerd's data root. */
	n = args(buf, sizeof(buf), d2);
	put(root, "proc/20/cmdline", buf, n);
	put(root, "proc/20/comm", "dockerd\n", 0);
	put(root, "proc/20/status", ROOT_STATUS("1"), 0);
	link_exe(root, 20, "/usr/sbin/dockerd");
	put(root, "proc/20/root/etc/d.json", "{\"data-root\":\"/elsewhere\"}", 0);
	put(root, "proc/20/root/elsewhere/containers/" ID2 "/config.v2.json",
	    CONFIG(ID2, "db", "true", "203.0.113.7"), 0);
	assert_true(wr_docker_name(root, ID, name, sizeof(name)));
	assert_string_equal(name, "web");
	assert_true(wr_docker_name(root, ID2, name, sizeof(name)));
	assert_true(!strcmp(name, "db") || !strcmp(name, "old"));
	assert_false(wr_docker_name(root, "../../etc", name, sizeof(name)));
	assert_true(wr_docker_container_at(root, "203.0.113.7", &c));
	assert_string_equal(c.name, "db");
	assert_true(wr_docker_container_at(root, "203.0.113.2", &c));	/* not the stopped "old" */
	assert_string_equal(c.name, "web");
	assert_false(wr_docker_container_at(root, "203.0.113.99", &c));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_daemon_json),
		cmocka_unit_test(test_dockerd_args),
		cmocka_unit_test(test_proxy_args),
		cmocka_unit_test(test_exe),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
