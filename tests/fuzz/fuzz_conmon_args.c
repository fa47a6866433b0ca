// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: arbitrary bytes as a would-be conmon's /proc/PID/cmdline (NUL-
 * separated, anyone's to choose) and as its /proc/PID/exe link. A container
 * found has podman as its runtime, a 64-hex id, and a name that fits. The
 * same bytes, without a NUL after them, as docker-proxy's and dockerd's
 * arguments: an address that parses, a port, absolute paths, all that fit.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "docker_state.h"

static void docker_args(const uint8_t *data, size_t size)
{
	char *exact = malloc(size ? size : 1), addr[46], root[64], config[64];
	uint8_t raw[16];
	uint16_t port;

	if (!exact)
		return;
	memcpy(exact, data, size);
	if (wr_docker_proxy_args(exact, size, addr, sizeof(addr), &port)) {
		if (!port || (inet_pton(AF_INET, addr, raw) != 1 && inet_pton(AF_INET6, addr, raw) != 1))
			abort();
	} else if (addr[0] || port) {
		abort();
	}
	wr_dockerd_args(exact, size, root, sizeof(root), config, sizeof(config));
	if ((root[0] && root[0] != '/') || (config[0] && config[0] != '/') ||
	    strnlen(root, sizeof(root)) >= sizeof(root) || strnlen(config, sizeof(config)) >= sizeof(config))
		abort();
	free(exact);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* `size` bytes and a NUL after them, as read_at() leaves a cmdline (not always NUL-ended). */
	char *args = malloc(size + 1);
	struct wr_container c;

	if (!args)
		return 0;
	memcpy(args, data, size);
	args[size] = '\0';
	if (wr_container_from_conmon_args(args, size, &c)) {
		if (strcmp(c.runtime, "podman") || strlen(c.id) != 64 ||
		    strnlen(c.name, sizeof(c.name)) >= sizeof(c.name))
			abort();
		for (size_t i = 0; i < 64; i++)
			if (!isxdigit((unsigned char)c.id[i]))
				abort();
	} else if (c.runtime[0] || c.id[0] || c.name[0]) {
		abort();
	}
	/* The same bytes as an executable's path: only podman's own places. */
	if (wr_container_conmon_exe(args) && strncmp(args, "/usr/", 5))
		abort();
	if ((wr_docker_exe(args, "dockerd") || wr_docker_exe(args, "docker-proxy")) &&
	    strncmp(args, "/usr/", 5))
		abort();
	free(args);
	docker_args(data, size);
	return 0;
}
