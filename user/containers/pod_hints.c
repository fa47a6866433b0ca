// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "pods.h"
#include "containers.h"
#include "explain.h"
#include "netns.h"
#include "refusal.h"
#include "shell_quote.h"

#include <stdio.h>
#include <string.h>

static void hint_pod(struct wr_refusal *r, const struct wr_container *c)
{
	char label[400], ns[160], name[600], crictl[96];

	/* One hint per pod: another hint may name it, none has its crictl command. */
	snprintf(crictl, sizeof(crictl), "crictl ps --label io.kubernetes.pod.uid=%s", c->pod_uid);
	for (size_t i = 0; i < r->n_hints; i++)
		if (strstr(r->hints[i], crictl))
			return;
	wr_pod_label(c, label, sizeof(label));
	/*
	 * crictl ps --pod wants the sandbox's id, which only the runtime
	 * knows; every container of a pod carries its UID as a label.
	 */
	if (c->pod_name[0])
		wr_add_hint(r, "%s: kubectl -n %s describe pod %s; %s", label,
			    wr_shell_quote(c->pod_ns, ns, sizeof(ns)),
			    wr_shell_quote(c->pod_name, name, sizeof(name)), crictl);
	else	/* no field selector finds a pod by UID: the node's runtime does */
		wr_add_hint(r, "%s: %s", label, crictl);
}

void wr_pods_hint(const struct wr_netns_list *nsl, struct wr_refusal *r)
{
	struct wr_container c;

	if (r->in_container && r->container.pod_uid[0])
		hint_pod(r, &r->container);
	for (size_t i = 0; i < r->n_related; i++) {
		uint32_t netns = r->related[i].l.netns;

		if (netns != r->netns && wr_netns_container(nsl, netns, &c) && c.pod_uid[0])
			hint_pod(r, &c);
	}
}
