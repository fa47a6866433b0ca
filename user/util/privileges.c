// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "privileges.h"

#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].effective & (1U << (cap % 32));
}

int wr_check_capabilities(char *missing, size_t len)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	bool admin;
	size_t n = 0;

	memset(d, 0, sizeof(d));
	missing[0] = '\0';
	if (syscall(SYS_capget, &hdr, d)) {
		snprintf(missing, len, "CAP_BPF CAP_PERFMON CAP_NET_ADMIN");
		return -1;
	}
	admin = has_cap(d, CAP_SYS_ADMIN);
	if (!admin && !has_cap(d, CAP_BPF))
		n += (size_t)snprintf(missing + n, len - n, "%sCAP_BPF", n ? " " : "");
	if (!admin && !has_cap(d, CAP_PERFMON) && n < len)
		n += (size_t)snprintf(missing + n, len - n, "%sCAP_PERFMON", n ? " " : "");
	if (!has_cap(d, CAP_NET_ADMIN) && n < len)
		n += (size_t)snprintf(missing + n, len - n, "%sCAP_NET_ADMIN", n ? " " : "");
	return n ? -1 : 0;
}

static const int kept_caps[] = {
	CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH,
	CAP_DAC_OVERRIDE, CAP_SYSLOG,
};

static bool kept(int cap)
{
	for (size_t i = 0; i < sizeof(kept_caps) / sizeof(kept_caps[0]); i++)
		if (kept_caps[i] == cap)
			return true;
	return false;
}

int wr_drop_capabilities(char *err, size_t len)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	int cap, last = CAP_LAST_CAP;
	FILE *f;

	/* The running kernel may know more capabilities than our headers. */
	f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &hdr, d))
		goto fail;
	/*
	 * The bounding set first: dropping from it needs CAP_SETPCAP, dropped
	 * next. Without it (a unit that did not grant it) the bounding set is
	 * whatever the caller left us, and only our own sets shrink.
	 */
	for (cap = 0; cap <= last && has_cap(d, CAP_SETPCAP); cap++)
		if (!kept(cap) && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1 &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL) {
			snprintf(err, len, "cannot drop capability %d from the bounding set: %s",
				 cap, strerror(errno));
			return -1;
		}
	for (cap = 0; cap < 64; cap++) {
		uint32_t bit = 1U << (cap % 32);

		if (kept(cap))
			continue;
		d[cap / 32].effective &= ~bit;
		d[cap / 32].permitted &= ~bit;
		d[cap / 32].inheritable &= ~bit;
	}
	if (syscall(SYS_capset, &hdr, d))
		goto fail;
	return 0;
fail:
	snprintf(err, len, "cannot drop capabilities: %s", strerror(errno));
	return -1;
}

int wr_limit_capabilities(uint64_t keep)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	int cap, i;

	memset(d, 0, sizeof(d));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_capget, &hdr, d))
		return -errno;
	/* EINVAL: past the kernel's last capability. */
	for (cap = 0; cap < 64 && has_cap(d, CAP_SETPCAP); cap++)
		if (!(keep & 1ULL << cap) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			return -errno;
	/* Before Linux 4.3 there is no ambient set to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;
	for (i = 0; i < 2; i++) {
		uint32_t mask = (uint32_t)(keep >> (32 * i));

		d[i].effective &= mask;
		d[i].permitted &= mask;
		d[i].inheritable = 0;
	}
	return syscall(SYS_capset, &hdr, d) ? -errno : 0;
}
