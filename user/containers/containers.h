/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which container a process (and so a network namespace) belongs to, named
 * as its runtime names it: the container id from the process's cgroup
 * (podman's libpod-<id>, Docker's docker-<id> or /docker/<id>, containerd's
 * cri-containerd-<id>), the name from the runtime's own state files
 * (podman: c/storage's containers.json; Docker: config.v2.json). No runtime
 * is asked over a socket, none is required.
 */
#ifndef WR_CONTAINERS_H
#define WR_CONTAINERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wr_container {
	char runtime[16];	/* "podman", "docker", "containerd" */
	char id[65];
	char name[64];		/* "" when the runtime's state could not be read */
	/* A port holder that forwards (docker-proxy): to this address and port, else "" and 0. */
	char to_addr[46];
	uint16_t to_port;
	char from_addr[46];	/* ... from this address (Docker: the network's gateway) */
	/* Kubernetes (pods.c): the pod, from its cgroup and /var/log/pods; "" when none. */
	char pod_uid[37];
	char pod_ns[64];	/* a DNS label */
	char pod_name[254];	/* a DNS subdomain */
};

/*
 * From /proc/PID/cgroup's text: the runtime and container id, or false. Only
 * where each runtime running as root puts a container, as whole path
 * components with a 64-hex-digit id: /system.slice/docker-ID.scope,
 * /docker/ID, /machine.slice/[machine-libpod_pod_POD.slice/]libpod-ID.scope,
 * /libpod_parent/[POD/]libpod-ID, and cri-containerd-ID.scope or
 * crio-ID.scope under /kubepods.slice's QoS and pod slices. Anything a
 * container nests below its own cgroup may follow. A user's cgroups
 * (systemd's user@UID.service tree) are no container, whatever their names.
 */
bool wr_container_from_cgroup(const char *cgroup, struct wr_container *c);
/* podman: the name of container `id` in c/storage's containers.json text. */
bool wr_container_name_podman(const char *containers_json, const char *id, char *name,
			      size_t len);
/*
 * Kubernetes (containerd, CRI-O): "NAMESPACE/POD/CONTAINER" from the name of
 * kubelet's log link /var/log/containers/POD_NAMESPACE_CONTAINER-ID.log.
 */
bool wr_container_name_kubelet_log(const char *file, const char *id, char *name, size_t len);
/* Docker: the name in a container's config.v2.json text ("Name":"/web"). */
bool wr_container_name_docker(const char *config_json, char *name, size_t len);

/*
 * The container process `pid` runs in, cached per pid for a few seconds
 * (ROOT "" on a live system, a directory in tests). False when it is in none.
 */
bool wr_container_of_pid(const char *root, uint32_t pid, struct wr_container *c);
/*
 * podman's conmon holds each host port a container publishes (-p 8080:80),
 * and its arguments name the container (-c ID, -n NAME). From the
 * NUL-separated /proc/PID/cmdline text of `len` bytes: true for conmon.
 */
bool wr_container_from_conmon_args(const char *args, size_t len, struct wr_container *c);
/*
 * Is `exe` (/proc/PID/exe's link) podman's conmon, where podman installs it
 * (containers.conf's conmon_path defaults), " (deleted)" once upgraded?
 */
bool wr_container_conmon_exe(const char *exe);

/* /proc/PID/status says real and effective uid 0 (a root daemon, not an impostor)? */
bool wr_proc_status_root(const char *status);

/*
 * The container process `pid` (named `comm`) holds published ports for,
 * while it runs; false for any other process. Only conmon and docker-proxy
 * count, told by their executables and run by root (as rootful podman and
 * dockerd run them): their names and arguments are anyone's to choose.
 */
bool wr_container_port_holder(const char *root, uint32_t pid, const char *comm,
			      struct wr_container *c);

/*
 * "container web (podman)", or "container 3f2a1b4c5d6e (docker)" without a
 * name; a pod's: "pod default/web (kubernetes)".
 */
void wr_container_label(const struct wr_container *c, char *buf, size_t len);

#endif /* WR_CONTAINERS_H */
