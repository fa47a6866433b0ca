// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: the foreign text fw_objects.c reads: a firewalld chain name,
 * a zone dispatch rule, a rich rule's nft rendering, kube-proxy's comments
 * (iptables -S) and `nft list map` elements; then the naming of a refusal
 * whose rule, path and element hold those bytes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "fw_objects.h"
#include "fwd_policies.h"

static struct wr_refusal r;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), zone[64], what[64], out[512], svc[256], comment[256];
	char verdict[64];
	bool local;

	if (!text)
		return 0;
	wr_fwd_zone_of_chain(text, zone, sizeof(zone));
	{
		const char *dir = NULL;
		bool base;

		/* A name found is firewalld's charset, and a direction of three. */
		if (wr_fwd_policy_of_chain(text, zone, sizeof(zone), &dir, &base) &&
		    (strspn(zone, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
			     strlen(zone) || !dir))
			abort();
		if (wr_fwd_forward_zone_of_chain(text, zone, 8, &base) && strlen(zone) >= 8)
			abort();
	}
	wr_fwd_dispatch(text, zone, sizeof(zone), what, sizeof(what));
	wr_fwd_rich_rule(text, out, sizeof(out));
	wr_fwd_rich_rule(text, out, 24);	/* a cut output is refused, not overrun */
	wr_kube_service(text, svc, sizeof(svc), &local);
	wr_kube_service_of_rule(text, svc, 16, &local);
	wr_kube_vmap(text);
	wr_kube_map_element(text, "192.0.2.1 . tcp . 443", comment, sizeof(comment), verdict,
			    sizeof(verdict));
	wr_kube_map_element(text, "tcp . 30080", comment, 8, verdict, 8);

	memset(&r, 0, sizeof(r));
	r.rule.present = r.rule.found = true;
	r.rule.backend = "nftables";
	r.dport = 8080;
	snprintf(r.rule.table, sizeof(r.rule.table), "%s", size & 1 ? "firewalld" : "kube-proxy");
	snprintf(r.rule.chain, sizeof(r.rule.chain), "%.*s", (int)strcspn(text, "\n"), text);
	snprintf(r.rule.text, sizeof(r.rule.text), "%s", text);
	snprintf(r.rule.element, sizeof(r.rule.element), "%s", text);
	r.rule.n_path = 1;
	snprintf(r.rule.path[0].chain, sizeof(r.rule.path[0].chain), "filter_INPUT_ZONES");
	snprintf(r.rule.path[0].text, sizeof(r.rule.path[0].text), "%s", text);
	wr_fw_objects_name(&r);
	wr_fw_objects_hints(&r);
	free(text);
	return 0;
}
