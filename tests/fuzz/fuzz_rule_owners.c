// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: a rule-owners file (--rule-owners, rule_owners.conf syntax),
 * then its patterns naming the owner of a refused SYN's rule: a chain a
 * pattern matches (its '*' as "x"), a table, a set, a policy's jumps; and
 * of a BPF program with that name, held by a process of that comm and unit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "rule_owners.h"

static void name(const struct wr_owners *o, const char *chain)
{
	static struct wr_refusal r;

	memset(&r, 0, sizeof(r));
	r.rule.present = r.rule.found = true;
	r.rule.policy = true;
	snprintf(r.rule.chain, sizeof(r.rule.chain), "%s", chain);
	snprintf(r.rule.table, sizeof(r.rule.table), "filter");
	snprintf(r.rule.jumps, sizeof(r.rule.jumps), "ufw-user-input %s f2b-sshd", chain);
	snprintf(r.rule.text, sizeof(r.rule.text), "ip saddr @addr-set-sshd tcp dport 22 drop");
	snprintf(r.saddr, sizeof(r.saddr), "192.0.2.7");
	r.dport = 22;
	wr_owners_name(o, &r);
	wr_owner_hint(&r);
	r.blocker.kind = WR_BLK_CGROUP;
	r.blocker.found = true;
	r.blocker.id = 7;
	r.blocker.pid = 812;
	snprintf(r.blocker.program, sizeof(r.blocker.program), "%s", chain);
	snprintf(r.blocker.comm, sizeof(r.blocker.comm), "%s", chain);
	snprintf(r.blocker.unit, sizeof(r.blocker.unit), "%s", chain);
	snprintf(r.blocker.cgroup_unit, sizeof(r.blocker.cgroup_unit), "api.service");
	wr_owners_name_blocker(o, &r);
	wr_blocker_owner_hint(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wr_owners o = { 0 };
	char *text = fuzz_string(data, size), err[256], chain[64], *star;

	if (!text)
		return 0;
	wr_owners_parse(&o, text, "fuzz.conf", err, sizeof(err));
	name(&o, "f2b-sshd");
	for (size_t i = 0; i < o.n && i < 4; i++) {
		snprintf(chain, sizeof(chain), "%s", o.v[i].pattern);
		star = strchr(chain, '*');
		if (star)
			*star = 'x';
		name(&o, chain);
	}
	wr_owners_free(&o);
	free(text);
	return 0;
}
