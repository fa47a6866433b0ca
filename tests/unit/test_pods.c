// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Pods from kubelet's cgroups (systemd and cgroupfs drivers, each QoS
 * class) and its /var/log/pods directory names, and what is not one.
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
#include "pods.h"

#define ID "5d1f0f8c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5"
#define UID "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
#define UID_ "0f1e2d3c_4b5a_4978_8695_a4b3c2d1e0f9"
#define STATIC_UID "a1b2c3d4e5f60718293a4b5c6d7e8f90"

static bool pod(const char *cgroup, char *uid, char *id)
{
	return wr_pod_from_cgroup(cgroup, uid, WR_POD_UID_LEN, id, 65);
}

static void test_pod_from_cgroup(void **state)
{
	char uid[WR_POD_UID_LEN], id[65];

	(void)state;
	/* systemd driver: Burstable, BestEffort, Guaranteed (no QoS slice). */
	assert_true(pod("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
			".slice/cri-containerd-" ID ".scope\n", uid, id));
	assert_string_equal(uid, UID);
	assert_string_equal(id, ID);
	assert_true(pod("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
			".slice/crio-" ID ".scope\n", uid, id));
	assert_true(pod("0::/kubepods.slice/kubepods-pod" UID_ ".slice/docker-" ID ".scope/x\n",
			uid, id));
	assert_string_equal(uid, UID);
	/* cgroupfs driver, cgroup v1's lines: the first that tells. */
	assert_true(pod("12:pids:/\n4:memory:/kubepods/burstable/pod" UID "/" ID "\n", uid, id));
	assert_string_equal(uid, UID);
	assert_true(pod("0::/kubepods/pod" STATIC_UID "/" ID "\n", uid, id));
	assert_string_equal(uid, STATIC_UID);
	/* Not kubelet's places or forms. */
	assert_false(pod("0::/kubepods.slice/kubepods-burstable.slice/kubepods-besteffort-pod" UID_
			 ".slice/cri-containerd-" ID ".scope\n", uid, id));
	assert_false(pod("0::/kubepods/burstable/pod" UID_ "/" ID "\n", uid, id));
	assert_false(pod("0::/kubepods.slice/kubepods-pod" UID ".slice/cri-containerd-" ID
			 ".scope\n", uid, id));
	assert_false(pod("0::/user.slice/kubepods/pod" UID "/" ID "\n", uid, id));
	assert_false(pod("0::/kubepods/pod" UID "\n", uid, id));
	assert_false(pod("0::/kubepods/pod" UID "/not-a-container\n", uid, id));
	assert_false(pod("0::/kubepods/pod0F1E2D3C-4b5a-4978-8695-a4b3c2d1e0f9/" ID "\n", uid, id));
	assert_false(pod("0::/kubepods/pod1234/" ID "\n", uid, id));
	assert_string_equal(uid, "");
	assert_string_equal(id, "");
}

static void test_log_dir(void **state)
{
	char ns[64], name[254], small[7];

	(void)state;
	assert_true(wr_pod_log_dir("kube-system_coredns-5d78c9869d-x2x7k_" UID, UID, ns,
				   sizeof(ns), name, sizeof(name)));
	assert_string_equal(ns, "kube-system");
	assert_string_equal(name, "coredns-5d78c9869d-x2x7k");
	assert_true(wr_pod_log_dir("default_web.v2_" UID, UID, ns, sizeof(ns), name, sizeof(name)));
	assert_string_equal(name, "web.v2");
	/* Another pod's, or names the API server never allows. */
	assert_false(wr_pod_log_dir("default_web_" STATIC_UID, UID, ns, sizeof(ns), name,
				    sizeof(name)));
	assert_false(wr_pod_log_dir("default_we_b_" UID, UID, ns, sizeof(ns), name, sizeof(name)));
	assert_false(wr_pod_log_dir("Default_web_" UID, UID, ns, sizeof(ns), name, sizeof(name)));
	assert_false(wr_pod_log_dir("default_-web_" UID, UID, ns, sizeof(ns), name, sizeof(name)));
	assert_false(wr_pod_log_dir("default_web.._" UID, UID, ns, sizeof(ns), name, sizeof(name)));
	assert_false(wr_pod_log_dir("_web_" UID, UID, ns, sizeof(ns), name, sizeof(name)));
	assert_false(wr_pod_log_dir("default__" UID, UID, ns, sizeof(ns), name, sizeof(name)));
	assert_false(wr_pod_log_dir("default_w\neb_" UID, UID, ns, sizeof(ns), name, sizeof(name)));
	assert_false(wr_pod_log_dir("default_web" UID, UID, ns, sizeof(ns), name, sizeof(name)));
	/* Too long for the caller ("default" and its NUL in 7): not named rather than cut. */
	assert_false(wr_pod_log_dir("default_web_" UID, UID, small, sizeof(small), name,
				    sizeof(name)));
	assert_string_equal(ns, "");
}

static void put(const char *root, const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s/%s')\"", root, rel);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_of_pid_names_the_pod(void **state)
{
	char root[] = "/tmp/wr-pod.XXXXXX", cmd[64], label[128], path[256];
	struct wr_container c;

	(void)state;
	assert_non_null(mkdtemp(root));
	put(root, "proc/5151/cgroup", "0::/kubepods.slice/kubepods-burstable.slice/"
	    "kubepods-burstable-pod" UID_ ".slice/cri-containerd-" ID ".scope\n");
	put(root, "proc/5252/cgroup", "0::/kubepods/besteffort/pod" STATIC_UID "/" ID "\n");
	snprintf(path, sizeof(path), "%s/var/log/pods/default_web-7d9f_" UID, root);
	put(root, "var/log/pods/default_web-7d9f_" UID "/nginx/0.log", "");
	assert_true(wr_container_of_pid(root, 5151, &c));
	assert_string_equal(c.runtime, "containerd");
	assert_string_equal(c.pod_ns, "default");
	assert_string_equal(c.pod_name, "web-7d9f");
	wr_container_label(&c, label, sizeof(label));
	assert_string_equal(label, "pod default/web-7d9f (kubernetes)");
	/* No log directory: the UID; the runtime not told by cgroupfs's bare id. */
	assert_true(wr_container_of_pid(root, 5252, &c));
	assert_string_equal(c.runtime, "kubernetes");
	assert_string_equal(c.id, ID);
	wr_container_label(&c, label, sizeof(label));
	assert_string_equal(label, "pod " STATIC_UID " (kubernetes)");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pod_from_cgroup),
		cmocka_unit_test(test_log_dir),
		cmocka_unit_test(test_of_pid_names_the_pod),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
