// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: arbitrary bytes as a runtime's state file, Docker's
 * config.v2.json and podman's containers.json, whose strings (labels,
 * commands, environment) the container's owner wrote. Whatever name comes
 * out fits its buffer and holds no control byte. The same bytes as
 * dockerd's daemon.json, whose data-root is an absolute path or nothing,
 * and as the name of kubelet's log link (a Kubernetes container's name).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "docker_state.h"

#define ID "5d1f0f8c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5"

static void check(const char *name, size_t len)
{
	size_t n = strnlen(name, len);

	if (n == 0 || n >= len)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), name[64], root[64];
	struct wr_docker_config dc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (wr_container_name_docker(text, name, sizeof(name)))
		check(name, sizeof(name));
	if (wr_container_name_podman(text, ID, name, sizeof(name)))
		check(name, sizeof(name));
	/* A small buffer: the name is cut or refused, never overrun. */
	if (wr_container_name_podman(text, ID, name, 4))
		check(name, 4);
	if (wr_docker_parse_config(text, &dc)) {
		if (strlen(dc.id) != 64 || dc.n_addrs > WR_DOCKER_ADDRS)
			abort();
		if (dc.name[0])
			check(dc.name, sizeof(dc.name));
		for (size_t i = 0; i < dc.n_addrs; i++)
			check(dc.addrs[i], sizeof(dc.addrs[i]));
	}
	if (wr_docker_daemon_json_root(text, root, sizeof(root)) && root[0] != '/')
		abort();
	/* The same bytes as kubelet's log link name (anyone may create such a file). */
	if (wr_container_name_kubelet_log(text, ID, name, sizeof(name))) {
		check(name, sizeof(name));
		if (strlen(name) + 1 < sizeof(name) && !strchr(name, '/'))	/* whole, not cut */
			abort();
	}
	free(text);
	return 0;
}
