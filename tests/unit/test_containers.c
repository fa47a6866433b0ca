// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Containers from cgroups and the runtimes' state files, as podman (cgroupfs
 * and systemd managers), Docker and containerd write them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "containers.h"

#define ID "5d1f0f8c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5"
#define ID2 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static void test_ids_from_cgroups(void **state)
{
	struct wr_container c;

	/* podman, --cgroup-manager=cgroupfs, cgroup v1: conmon's own cgroup is not it. */
	assert_true(wr_container_from_cgroup("12:pids:/libpod_parent/libpod-conmon-" ID2 "\n"
					     "11:memory:/libpod_parent/libpod-" ID "\n", &c));
	assert_string_equal(c.runtime, "podman");
	assert_string_equal(c.id, ID);
	/* podman with systemd, cgroup v2. */
	assert_true(wr_container_from_cgroup("0::/machine.slice/libpod-" ID ".scope/container\n", &c));
	assert_string_equal(c.id, ID);
	assert_true(wr_container_from_cgroup("0::/system.slice/docker-" ID ".scope\n", &c));
	assert_string_equal(c.runtime, "docker");
	assert_true(wr_container_from_cgroup("4:cpu:/docker/" ID "\n", &c));
	assert_string_equal(c.runtime, "docker");
	assert_true(wr_container_from_cgroup("0::/kubepods.slice/kubepods-besteffort.slice/"
					     "cri-containerd-" ID ".scope\n", &c));
	assert_string_equal(c.runtime, "containerd");
	/* A service, a user session, conmon alone: no container. */
	assert_false(wr_container_from_cgroup("0::/system.slice/ssh.service\n", &c));
	assert_false(wr_container_from_cgroup("0::/user.slice/user-1000.slice/session-2.scope\n", &c));
	assert_false(wr_container_from_cgroup("1:name=systemd:/libpod_parent/libpod-conmon-" ID "\n",
					      &c));
	assert_false(wr_container_from_cgroup("0::/docker/notanid\n", &c));
}

/*
 * A container is told by a cgroup only where its runtime, running as root,
 * puts it: a whole path component of the right form, exact id length, under
 * the parent that runtime uses. Users create cgroups of their own (systemd
 * delegates user@UID.service to them), and containers nest some: a name
 * anywhere in the path proves nothing.
 */
static void test_cgroup_where_the_runtime_puts_it(void **state)
{
	struct wr_container c;

	/* A user's own cgroups, named like a container's. */
	assert_false(wr_container_from_cgroup("0::/user.slice/user-1000.slice/x/docker-" ID ".scope\n",
					      &c));
	assert_false(wr_container_from_cgroup("0::/user.slice/user-1000.slice/user@1000.service/"
					      "app.slice/libpod-" ID ".scope\n", &c));
	assert_false(wr_container_from_cgroup("0::/user.slice/user-1000.slice/user@1000.service/"
					      "docker/" ID "\n", &c));
	/* The form, not a part of a name; the exact length; the runtime's parent. */
	assert_false(wr_container_from_cgroup("0::/system.slice/mydocker-" ID ".scope\n", &c));
	assert_false(wr_container_from_cgroup("0::/system.slice/docker-" ID "0.scope\n", &c));
	assert_false(wr_container_from_cgroup("0::/system.slice/docker-" ID ".scopex\n", &c));
	assert_false(wr_container_from_cgroup("0::/system.slice/docker-" ID ".scop\n", &c));
	assert_false(wr_container_from_cgroup("0::/system.slice/docker-" ID "\n", &c));
	assert_false(wr_container_from_cgroup("0::/system.slice/ssh.service/docker-" ID ".scope\n",
					      &c));
	assert_false(wr_container_from_cgroup("0::/system.slice/libpod-" ID ".scope\n", &c));
	assert_false(wr_container_from_cgroup("0::/docker/" ID "0\n", &c));
	assert_false(wr_container_from_cgroup("0::/x/docker/" ID "\n", &c));
	assert_false(wr_container_from_cgroup("0::/docker\n", &c));
	assert_false(wr_container_from_cgroup("0::/libpod_parent/x/libpod-" ID "\n", &c));
	assert_false(wr_container_from_cgroup("0::/machine.slice/libpod-" ID "\n", &c));
	assert_false(wr_container_from_cgroup("0::/system.slice/cri-containerd-" ID ".scope\n", &c));
	assert_false(wr_container_from_cgroup("0::/system.slice/docker-5D1F0F8C1A2B3C4D5E6F708192A3B4C5"
					      "D6E7F8091A2B3C4D5E6F708192A3B4C5.scope\n", &c));
	/* Nested in a container: the outer one, where the runtime put it. */
	assert_true(wr_container_from_cgroup("0::/system.slice/docker-" ID ".scope/libpod-" ID2
					     ".scope\n", &c));
	assert_string_equal(c.runtime, "docker");
	assert_string_equal(c.id, ID);
	assert_true(wr_container_from_cgroup("0::/system.slice/docker-" ID ".scope/docker/" ID2 "\n",
					     &c));
	assert_string_equal(c.id, ID);
	/* The runtimes' own places, with what they nest below. */
	assert_true(wr_container_from_cgroup("0::/libpod_parent/libpod-" ID "/container\n", &c));
	assert_string_equal(c.runtime, "podman");
	assert_true(wr_container_from_cgroup("0::/kubepods.slice/kubepods-besteffort.slice/"
					     "kubepods-besteffort-pod12.slice/cri-containerd-" ID
					     ".scope\n", &c));
	assert_string_equal(c.runtime, "containerd");
	assert_true(wr_container_from_cgroup("0::/kubepods.slice/kubepods-pod12.slice/crio-" ID
					     ".scope\n", &c));
	assert_string_equal(c.runtime, "cri-o");
	/* cgroup v1: one line per hierarchy, a user's in one of them. */
	assert_true(wr_container_from_cgroup("9:name=systemd:/user.slice/user-1000.slice/user@1000."
					     "service/docker-" ID2 ".scope\n"
					     "4:memory:/system.slice/docker-" ID ".scope\n", &c));
	assert_string_equal(c.id, ID);
	/* No line end, a truncated line, nothing. */
	assert_true(wr_container_from_cgroup("0::/docker/" ID, &c));
	assert_false(wr_container_from_cgroup("0:", &c));
	assert_false(wr_container_from_cgroup("", &c));
}

/* containers.json as podman 4.3 (c/storage) writes it: one object per container. */
static const char containers_json[] =
	"[{\"id\":\"" ID2 "\",\"names\":[\"db\"],\"image\":\"i\",\"layer\":\"l\","
	"\"metadata\":\"{\\\"image-name\\\":\\\"localhost/bb:latest\\\",\\\"name\\\":\\\"db\\\"}\"},"
	"{\"id\":\"" ID "\",\"names\":[\"web\"],\"image\":\"i\",\"layer\":\"l2\"}]";

static void test_names(void **state)
{
	char name[64];

	assert_true(wr_container_name_podman(containers_json, ID, name, sizeof(name)));
	assert_string_equal(name, "web");
	assert_true(wr_container_name_podman(containers_json, ID2, name, sizeof(name)));
	assert_string_equal(name, "db");
	assert_false(wr_container_name_podman(containers_json, "ffff", name, sizeof(name)));
	assert_true(wr_container_name_docker("{\"ID\":\"" ID "\",\"Name\":\"/web\",\"Driver\":\"x\"}",
					     name, sizeof(name)));
	assert_string_equal(name, "web");
	assert_false(wr_container_name_docker("{\"ID\":\"x\"}", name, sizeof(name)));
}

/*
 * config.v2.json as Docker writes it (json.Marshal of its Container struct):
 * Config, with the labels and command anyone who starts a container picks,
 * comes before the top-level Name. Only that Name names the container.
 */
static const char docker_config[] =
	"{\"StreamConfig\":{},\"State\":{\"Running\":true,\"Pid\":4343,"
	"\"Health\":{\"Name\":\"evil-health\",\"Log\":[{\"Name\":\"x\"}]}},"
	"\"ID\":\"" ID "\",\"Created\":\"2024-01-01T00:00:00Z\",\"Managed\":false,"
	"\"Path\":\"sh\",\"Args\":[\"-c\",\"echo \\\"Name\\\":\\\"/evil-arg\\\"\"],"
	"\"Config\":{\"Hostname\":\"3f2a\",\"Env\":[\"Name=evil-env\"],"
	"\"Labels\":{\"Name\":\"/evil\",\"x\":\"}]}\"},\"Cmd\":null},"
	"\"Image\":\"sha256:0\",\"NetworkSettings\":{\"Networks\":{\"bridge\":{}}},"
	"\"LogPath\":\"/var/lib/docker/x.log\",\"Name\":\"/web\",\"Driver\":\"overlay2\","
	"\"RestartCount\":0}";

static void test_docker_name_is_the_top_level_one(void **state)
{
	char name[64], deep[300000];
	size_t i, n;

	assert_true(wr_container_name_docker(docker_config, name, sizeof(name)));
	assert_string_equal(name, "web");
	/* Spaces and newlines where JSON allows them; escapes decoded. */
	assert_true(wr_container_name_docker(" {\n \"Labels\" : { \"Name\" : \"evil\" } ,\n"
					     " \"Name\" : \"\\u002fweb\\/1\" }", name, sizeof(name)));
	assert_string_equal(name, "web/1");
	/* A Name only inside something else names nothing. */
	assert_false(wr_container_name_docker("{\"Config\":{\"Labels\":{\"Name\":\"/evil\"}}}",
					      name, sizeof(name)));
	assert_false(wr_container_name_docker("{\"Args\":[\"\\\"Name\\\":\\\"/evil\\\"\"]}",
					      name, sizeof(name)));
	assert_false(wr_container_name_docker("[{\"Name\":\"/evil\"}]", name, sizeof(name)));
	/* Not a string, cut short, broken, or with a control byte: no name. */
	assert_false(wr_container_name_docker("{\"Name\":{\"x\":\"/evil\"}}", name, sizeof(name)));
	assert_false(wr_container_name_docker("{\"Config\":{\"Labels\":{}},\"Name\":\"/we", name,
					      sizeof(name)));
	assert_false(wr_container_name_docker("{\"Config\":{\"Labels\":{\"a\":\"b}},\"Name\":\"/x\"}",
					      name, sizeof(name)));
	assert_false(wr_container_name_docker("{\"Name\":\"/a\\nb\"}", name, sizeof(name)));
	assert_false(wr_container_name_docker("{\"Name\":\"/\"}", name, sizeof(name)));
	assert_false(wr_container_name_docker("", name, sizeof(name)));
	/* Nesting deeper than any stack: skipped without recursion. */
	n = (sizeof(deep) - 40) / 2;
	deep[0] = '{';
	memcpy(deep + 1, "\"a\":", 4);
	for (i = 0; i < n; i++)
		deep[5 + i] = '[';
	for (i = 0; i < n; i++)
		deep[5 + n + i] = ']';
	snprintf(deep + 5 + 2 * n, sizeof(deep) - 5 - 2 * n, ",\"Name\":\"/deep\"}");
	assert_true(wr_container_name_docker(deep, name, sizeof(name)));
	assert_string_equal(name, "deep");
}

/* podman's containers.json: each container's own id and names, whatever else its object holds. */
static void test_podman_name_is_the_containers_own(void **state)
{
	char name[64];

	assert_true(wr_container_name_podman("[{\"flags\":{\"id\":\"" ID "\",\"names\":[\"evil\"]},"
					     "\"names\":[\"web\",\"web2\"],\"id\":\"" ID "\"}]",
					     ID, name, sizeof(name)));
	assert_string_equal(name, "web");
	/* Another container's names are not this one's. */
	assert_false(wr_container_name_podman("[{\"id\":\"" ID "\",\"image\":\"i\"},"
					      "{\"id\":\"" ID2 "\",\"names\":[\"db\"]}]",
					      ID, name, sizeof(name)));
	assert_false(wr_container_name_podman("[{\"id\":\"" ID "\",\"names\":[]}]", ID, name,
					      sizeof(name)));
	assert_false(wr_container_name_podman("[{\"id\":\"" ID "\",\"names\":[\"we", ID, name,
					      sizeof(name)));
	assert_false(wr_container_name_podman("{\"id\":\"" ID "\",\"names\":[\"web\"]}", ID, name,
					      sizeof(name)));
}

static void test_kubelet_log_link(void **state)
{
	char name[64];

	(void)state;
	assert_true(wr_container_name_kubelet_log("web-7d9f_default_nginx-" ID ".log", ID, name,
						  sizeof(name)));
	assert_string_equal(name, "default/web-7d9f/nginx");
	/* Another container's link, a name with a fourth part, parts missing. */
	assert_false(wr_container_name_kubelet_log("web_default_nginx-" ID2 ".log", ID, name,
						   sizeof(name)));
	assert_false(wr_container_name_kubelet_log("a_b_c_d-" ID ".log", ID, name, sizeof(name)));
	assert_false(wr_container_name_kubelet_log("web_default-" ID ".log", ID, name, sizeof(name)));
	assert_false(wr_container_name_kubelet_log("_default_nginx-" ID ".log", ID, name,
						   sizeof(name)));
	assert_false(wr_container_name_kubelet_log("web_default_nginx-" ID ".txt", ID, name,
						   sizeof(name)));
	assert_false(wr_container_name_kubelet_log("we\nb_default_nginx-" ID ".log", ID, name,
						   sizeof(name)));
	/* Cut to the buffer, never overrun. */
	assert_true(wr_container_name_kubelet_log("web_default_nginx-" ID ".log", ID, name, 8));
	assert_string_equal(name, "default");
}

static void test_conmon_names_the_container(void **state)
{
	static const char id[] = "8f75def5c927c9fbbbcfc08dee9fc8be7aa76d4fca99528af879f05f9e9ed96c";
	char args[512];
	struct wr_container c;
	size_t n;

	(void)state;
	/* conmon's arguments as podman 4.3 starts it (cut short). */
	n = (size_t)snprintf(args, sizeof(args), "/usr/bin/conmon%c--api-version%c1%c-c%c%s%c-u%c%s"
			     "%c-n%cweb%c--exit-dir%c/run/libpod/exits", 0, 0, 0, 0, id, 0, 0, id,
			     0, 0, 0, 0) + 1;
	assert_true(wr_container_from_conmon_args(args, n, &c));
	assert_string_equal(c.runtime, "podman");
	assert_string_equal(c.id, id);
	assert_string_equal(c.name, "web");
	/* Another program, or conmon without a container id, holds no published port. */
	n = (size_t)snprintf(args, sizeof(args), "/usr/sbin/sshd%c-c%c%s", 0, 0, id) + 1;
	assert_false(wr_container_from_conmon_args(args, n, &c));
	n = (size_t)snprintf(args, sizeof(args), "conmon%c-n%cweb", 0, 0) + 1;
	assert_false(wr_container_from_conmon_args(args, n, &c));
	assert_false(wr_container_from_conmon_args("", 0, &c));
}

static void put(const char *root, const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/*
 * Which process is podman's conmon: its executable, where podman installs
 * it, run by root. Not its name or its arguments: any program can be
 * called conmon and take "-c ID -n NAME".
 */
static void test_conmon_is_told_by_its_executable(void **state)
{
	static const char id[] = "8f75def5c927c9fbbbcfc08dee9fc8be7aa76d4fca99528af879f05f9e9ed96c";
	char root[] = "/tmp/wr-conmon.XXXXXX", path[256], args[512], cmd[64];
	const char *root_status = "Name:\tconmon\nState:\tS (sleeping)\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n";
	struct wr_container c;
	FILE *f;
	size_t n;

	assert_true(wr_container_conmon_exe("/usr/bin/conmon"));
	assert_true(wr_container_conmon_exe("/usr/libexec/podman/conmon"));
	assert_true(wr_container_conmon_exe("/usr/bin/conmon (deleted)"));	/* upgraded */
	assert_false(wr_container_conmon_exe("/tmp/x/conmon"));
	assert_false(wr_container_conmon_exe("/home/u/usr/bin/conmon"));
	assert_false(wr_container_conmon_exe("/usr/bin/conmonx"));
	assert_false(wr_container_conmon_exe("/usr/bin/conmon (deleted)x"));
	assert_false(wr_container_conmon_exe("conmon"));
	assert_false(wr_container_conmon_exe(""));

	assert_non_null(mkdtemp(root));
	n = (size_t)snprintf(args, sizeof(args), "/usr/bin/conmon%c-c%c%s%c-n%cweb", 0, 0, id, 0, 0) + 1;
	for (int pid = 1; pid <= 5; pid++) {
		snprintf(path, sizeof(path), "%s/proc/%d/cmdline", root, pid);
		snprintf(cmd, sizeof(cmd), "mkdir -p %s/proc/%d", root, pid);
		assert_int_equal(system(cmd), 0);
		f = fopen(path, "w");
		assert_non_null(f);
		fwrite(args, 1, n, f);
		fclose(f);
	}
	put(root, "proc/1/status", root_status);
	assert_int_equal(symlink("/usr/bin/conmon", strcat(strcpy(path, root), "/proc/1/exe")), 0);
	/* The real one. */
	assert_true(wr_container_port_holder(root, 1, "conmon", &c));
	assert_string_equal(c.id, id);
	assert_string_equal(c.name, "web");
	assert_false(wr_container_port_holder(root, 1, "sshd", &c));
	/* Named conmon, through a symlink or a copy elsewhere. */
	put(root, "proc/2/status", root_status);
	assert_int_equal(symlink("/tmp/wr/tcp_listen", strcat(strcpy(path, root), "/proc/2/exe")), 0);
	assert_false(wr_container_port_holder(root, 2, "conmon", &c));
	assert_string_equal(c.runtime, "");
	/* podman's binary, run by a user with arguments of their own. */
	put(root, "proc/3/status", "Name:\tconmon\nUid:\t1000\t1000\t1000\t1000\n");
	assert_int_equal(symlink("/usr/bin/conmon", strcat(strcpy(path, root), "/proc/3/exe")), 0);
	assert_false(wr_container_port_holder(root, 3, "conmon", &c));
	put(root, "proc/4/status", "Name:\tconmon\nUid:\t0\t1000\t0\t0\n");
	assert_int_equal(symlink("/usr/bin/conmon", strcat(strcpy(path, root), "/proc/4/exe")), 0);
	assert_false(wr_container_port_holder(root, 4, "conmon", &c));
	/* Its executable unreadable (gone): not known to be conmon. */
	put(root, "proc/5/status", root_status);
	assert_false(wr_container_port_holder(root, 5, "conmon", &c));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static void test_of_pid(void **state)
{
	char root[] = "/tmp/wr-ctr.XXXXXX", cmd[64], label[128];
	struct wr_container c;

	assert_non_null(mkdtemp(root));
	put(root, "proc/4242/cgroup", "11:memory:/libpod_parent/libpod-" ID "\n");
	put(root, "var/lib/containers/storage/overlay-containers/containers.json", containers_json);
	put(root, "proc/4343/cgroup", "0::/system.slice/docker-" ID2 ".scope\n");
	put(root, "proc/4444/cgroup", "0::/system.slice/ssh.service\n");
	/* CRI-O keeps its containers in c/storage too: named from the same list. */
	put(root, "proc/4646/cgroup", "0::/kubepods.slice/kubepods-besteffort.slice/"
	    "kubepods-besteffort-pod1234.slice/crio-" ID ".scope\n");
	assert_true(wr_container_of_pid(root, 4242, &c));
	wr_container_label(&c, label, sizeof(label));
	assert_string_equal(label, "container web (podman)");
	/* Docker's state is not there: named by its short id. */
	assert_true(wr_container_of_pid(root, 4343, &c));
	wr_container_label(&c, label, sizeof(label));
	assert_string_equal(label, "container aaaaaaaaaaaa (docker)");
	assert_true(wr_container_of_pid(root, 4646, &c));
	wr_container_label(&c, label, sizeof(label));
	assert_string_equal(label, "container web (cri-o)");
	/* containerd's: named from kubelet's log link. */
	put(root, "proc/4747/cgroup", "0::/kubepods.slice/kubepods-besteffort.slice/"
	    "kubepods-besteffort-pod1234.slice/cri-containerd-" ID2 ".scope\n");
	put(root, "var/log/containers/web-7d9f_default_nginx-" ID2 ".log", "");
	assert_true(wr_container_of_pid(root, 4747, &c));
	wr_container_label(&c, label, sizeof(label));
	assert_string_equal(label, "container default/web-7d9f/nginx (containerd)");
	assert_false(wr_container_of_pid(root, 4444, &c));
	assert_false(wr_container_of_pid(root, 4545, &c));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_from_cgroups),
		cmocka_unit_test(test_cgroup_where_the_runtime_puts_it),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_docker_name_is_the_top_level_one),
		cmocka_unit_test(test_podman_name_is_the_containers_own),
		cmocka_unit_test(test_conmon_names_the_container),
		cmocka_unit_test(test_kubelet_log_link),
		cmocka_unit_test(test_of_pid),
		cmocka_unit_test(test_conmon_is_told_by_its_executable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
