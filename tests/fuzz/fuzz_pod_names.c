// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: arbitrary bytes as /proc/PID/cgroup (first byte even) or as
 * "UID\nDIRECTORY", a name in /var/log/pods (odd), both anyone's to choose
 * where a pod or a user names things. A pod found has a UID of kubelet's
 * form and a 64-hex-digit container id; a directory parsed gives a DNS
 * label and a DNS subdomain, both found in the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pods.h"

static void check_chars(const char *s, const char *allowed, size_t max)
{
	if (!s[0] || strlen(s) > max || strspn(s, allowed) != strlen(s))
		abort();
}

static void cgroup_case(const char *text)
{
	char uid[WR_POD_UID_LEN], id[65];

	if (!wr_pod_from_cgroup(text, uid, sizeof(uid), id, sizeof(id))) {
		if (uid[0] || id[0])
			abort();	/* nothing half-filled */
		return;
	}
	check_chars(uid, "0123456789abcdef-", 36);
	if ((strlen(uid) != 32 && strlen(uid) != 36) || strlen(id) != 64)
		abort();
	check_chars(id, "0123456789abcdef", 64);
	if (!strstr(text, id))
		abort();
}

static void dir_case(char *text)
{
	char ns[64], name[254], *nl = strchr(text, '\n');

	if (!nl)
		return;
	*nl = '\0';
	if (!wr_pod_log_dir(nl + 1, text, ns, sizeof(ns), name, sizeof(name))) {
		if (ns[0] || name[0])
			abort();
		return;
	}
	check_chars(ns, "abcdefghijklmnopqrstuvwxyz0123456789-", 63);
	check_chars(name, "abcdefghijklmnopqrstuvwxyz0123456789-.", 253);
	if (!strstr(nl + 1, ns) || !strstr(nl + 1, name))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (!size)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 1)
		dir_case(text);
	else
		cgroup_case(text);
	free(text);
	return 0;
}
