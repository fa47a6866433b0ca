/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Docker as the host holds it, read without asking dockerd: each running
 * dockerd (told by its executable and uid) and its data root (--data-root,
 * -g, or data-root in its --config-file, /etc/docker/daemon.json by
 * default, else /var/lib/docker), each container's config.v2.json there
 * (name, running, addresses), and docker-proxy's arguments (the container
 * address and port a published host port is forwarded to). Every file is
 * read through /proc/DOCKERD/root, so a dockerd in a mount namespace of
 * its own is read as it sees its files. The pure parsers come first.
 */
#ifndef WR_DOCKER_STATE_H
#define WR_DOCKER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "containers.h"

#define WR_DOCKER_ADDRS 4

/* What whyrefused reads of one container's config.v2.json. */
struct wr_docker_config {
	char id[65];
	char name[64];
	bool running;
	char addrs[WR_DOCKER_ADDRS][46];	/* its networks' IPv4 and IPv6 addresses */
	char gateways[WR_DOCKER_ADDRS][46];	/* each one's network gateway ("" if none) */
	size_t n_addrs;
};

/* config.v2.json's text: "ID", "Name", "State":{"Running"}, "NetworkSettings":{"Networks"}. */
bool wr_docker_parse_config(const char *text, struct wr_docker_config *c);

/* The data-root (or the older "graph") of daemon.json's text. */
bool wr_docker_daemon_json_root(const char *text, char *out, size_t len);

/*
 * dockerd's NUL-separated arguments: its data root (--data-root, --graph,
 * -g, with a space or '=') and config file (--config-file), each "" when
 * not given. Relative paths are not taken.
 */
void wr_dockerd_args(const char *args, size_t len, char *root, size_t rlen, char *config,
		     size_t clen);

/* docker-proxy's NUL-separated arguments: where it forwards, false for any other program. */
bool wr_docker_proxy_args(const char *args, size_t len, char *to_addr, size_t alen,
			  uint16_t *to_port);

/* Is `exe` (a /proc/PID/exe link) Debian's or Docker's own `prog` (dockerd, docker-proxy)? */
bool wr_docker_exe(const char *exe, const char *prog);

/*
 * The container docker-proxy `pid` forwards to (runtime, id, name, and
 * to_addr/to_port, from_addr: the gateway it connects from), found in its
 * parent dockerd's data root:
 * the running container with the proxy's -container-ip. False for any
 * other process; true with only to_addr/to_port when no container has it.
 */
bool wr_docker_proxy_container(const char *root, uint32_t pid, struct wr_container *c);

/* The name of Docker container `id`, in any running dockerd's data root, or /var/lib/docker. */
bool wr_docker_name(const char *root, const char *id, char *name, size_t len);

/* The running Docker container at address `addr` (text): data roots read every 2 s at most. */
bool wr_docker_container_at(const char *root, const char *addr, struct wr_container *c);

#endif /* WR_DOCKER_STATE_H */
