// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "privileges.h"

#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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
