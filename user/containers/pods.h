/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kubernetes pods named from what a node holds, without the API server:
 * the pod UID from the cgroup kubelet puts a pod's containers in, the
 * namespace and name from kubelet's log directory
 * /var/log/pods/NAMESPACE_NAME_UID/. Both are read as hostile text.
 */
#ifndef WR_PODS_H
#define WR_PODS_H

#include <stdbool.h>
#include <stddef.h>

struct wr_container;
struct wr_refusal;
struct wr_netns_list;

#define WR_POD_UID_LEN 37	/* a UUID (36) or a static pod's 32 hex digits, NUL */

/*
 * From /proc/PID/cgroup's text: the pod UID and container id, where kubelet
 * puts a pod's containers, at the root of a hierarchy only:
 * systemd's driver /kubepods.slice/[kubepods-QOS.slice/]kubepods-[QOS-]pod<UID,
 * '-' as '_'>.slice/CONTAINER, cgroupfs's /kubepods/[QOS/]pod<UID>/CONTAINER,
 * CONTAINER being cri-containerd-ID.scope, crio-ID.scope, docker-ID.scope,
 * crio-ID or ID (64 lowercase hex digits). `uid` is "" when none.
 */
bool wr_pod_from_cgroup(const char *cgroup, char *uid, size_t uid_len, char *id,
			size_t id_len);
/*
 * A directory name of /var/log/pods: "NAMESPACE_NAME_UID" for pod `uid`,
 * the namespace a DNS label and the name a DNS subdomain, as the API
 * server allows them. False for anything else.
 */
bool wr_pod_log_dir(const char *dir, const char *uid, char *ns, size_t ns_len, char *name,
		    size_t name_len);
/*
 * Fills c's pod fields (and runtime, id if c has none) when the cgroup text
 * says a pod; names it from ROOT/var/log/pods ("" on a live system).
 */
bool wr_pod_of_cgroup(const char *root, const char *cgroup, struct wr_container *c);
/* "pod default/web (kubernetes)", or "pod UID (kubernetes)" unnamed. */
void wr_pod_label(const struct wr_container *c, char *buf, size_t len);
/*
 * Hints to look at the pods a refusal involves (its own namespace's, and
 * those of listeners it names in other namespaces): kubectl and crictl
 * (pod_hints.c).
 */
void wr_pods_hint(const struct wr_netns_list *nsl, struct wr_refusal *r);

#endif /* WR_PODS_H */
