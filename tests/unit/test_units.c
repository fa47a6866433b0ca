// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The systemd unit of a process, from /proc/PID/cgroup as v2, v1 and hybrid mounts write it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "units.h"

static void test_units(void **state)
{
	char unit[64];

	(void)state;
	assert_true(wr_unit_from_cgroup("0::/system.slice/ssh.service\n", unit, sizeof(unit)));
	assert_string_equal(unit, "ssh.service");
	/* v1 with a named systemd hierarchy (this machine's hybrid mounts). */
	assert_true(wr_unit_from_cgroup("9:name=systemd:/system.slice/nginx.service\n"
					"8:pids:/system.slice/nginx.service\n0::/\n", unit,
					sizeof(unit)));
	assert_string_equal(unit, "nginx.service");
	/* A service's own sub-cgroups (Delegate=yes) still belong to it. */
	assert_true(wr_unit_from_cgroup("0::/system.slice/app.service/worker\n", unit,
					sizeof(unit)));
	assert_string_equal(unit, "app.service");
	/* A container in a podman unit's scope: the last service on the path. */
	assert_true(wr_unit_from_cgroup("0::/machine.slice/libpod-3f.scope/container\n"
					"", unit, sizeof(unit)) == false);
	/* Sessions, the root, other controllers' paths: no service. */
	assert_false(wr_unit_from_cgroup("0::/user.slice/user-0.slice/session-3.scope\n", unit,
					 sizeof(unit)));
	assert_string_equal(unit, "");
	assert_false(wr_unit_from_cgroup("0::/\n", unit, sizeof(unit)));
	assert_false(wr_unit_from_cgroup("8:pids:/system.slice/x.service\n", unit, sizeof(unit)));
	assert_false(wr_unit_from_cgroup("", unit, sizeof(unit)));
	/* A name longer than the buffer is left out, not cut. */
	assert_false(wr_unit_from_cgroup("0::/system.slice/a-very-long-name.service\n", unit, 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
