// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "kernel_names.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct btf_type *find_enum(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_ENUM);

	if (id < 0)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_ENUM64);
	return id < 0 ? NULL : btf__type_by_id(btf, id);
}

/* Enumerator i of an ENUM or ENUM64 type: name and (low 32 bits of) value. */
static const char *enumerator(const struct btf *btf, const struct btf_type *t, int i,
			      long long *value)
{
	if (btf_is_enum(t)) {
		const struct btf_enum *e = btf_enum(t) + i;

		*value = e->val;
		return btf__name_by_offset(btf, e->name_off);
	} else {
		const struct btf_enum64 *e = btf_enum64(t) + i;

		*value = (long long)btf_enum64_value(e);
		return btf__name_by_offset(btf, e->name_off);
	}
}

int wr_enum_table_from_btf(const struct btf *btf, const char *enum_name, const char *prefix,
			   struct wr_enum_table *t)
{
	const struct btf_type *et = find_enum(btf, enum_name);
	struct wr_enum_name *entries;
	size_t plen = strlen(prefix);
	int i, n;

	t->entries = NULL;
	t->n = 0;
	if (!et)
		return 0;
	n = btf_vlen(et);
	entries = calloc((size_t)n, sizeof(*entries));
	if (!entries)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		long long v;
		const char *name = enumerator(btf, et, i, &v);

		if (!strncmp(name, prefix, plen))
			name += plen;
		entries[i].value = (uint32_t)v;
		entries[i].name = strdup(name);
		if (!entries[i].name) {
			t->entries = entries;
			t->n = (size_t)i;
			wr_enum_table_free(t);
			return -ENOMEM;
		}
	}
	t->entries = entries;
	t->n = (size_t)n;
	return 0;
}

void wr_enum_table_free(struct wr_enum_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free((char *)t->entries[i].name);
	free((void *)t->entries);
	t->entries = NULL;
	t->n = 0;
}

long long wr_btf_enum_value(const struct btf *btf, const char *enum_name, const char *name)
{
	const struct btf_type *et = find_enum(btf, enum_name);
	int i;

	if (!et)
		return -1;
	for (i = 0; i < btf_vlen(et); i++) {
		long long v;

		if (!strcmp(enumerator(btf, et, i, &v), name))
			return v;
	}
	return -1;
}

/*
 * Drop locations are a handful of functions (nf_hook_slow, nft_do_chain,
 * tcp_v4_rcv...), so a small cache and a streaming scan of /proc/kallsyms
 * on a miss cost less memory than loading the whole symbol table.
 */
#define KSYM_CACHE 32

static struct {
	uint64_t addr;
	char *name;
} ksym_cache[KSYM_CACHE];
static unsigned int ksym_next;

static char *ksym_scan(uint64_t addr)
{
	char line[512], best[256] = "";
	uint64_t best_addr = 0;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		uint64_t a;
		char type, name[256];

		if (sscanf(line, "%" SCNx64 " %c %255s", &a, &type, name) != 3)
			continue;
		if ((type != 't' && type != 'T') || a > addr || a < best_addr)
			continue;
		best_addr = a;
		snprintf(best, sizeof(best), "%s", name);
	}
	fclose(f);
	/* All-zero addresses mean kptr_restrict hides them. */
	return best_addr ? strdup(best) : NULL;
}

const char *wr_ksym_name(void *unused, uint64_t addr)
{
	unsigned int i, slot;

	for (i = 0; i < KSYM_CACHE; i++)
		if (ksym_cache[i].addr == addr)
			return ksym_cache[i].name;
	slot = ksym_next++ % KSYM_CACHE;
	free(ksym_cache[slot].name);
	ksym_cache[slot].addr = addr;
	ksym_cache[slot].name = ksym_scan(addr);
	return ksym_cache[slot].name;
}

void wr_ksym_cache_free(void)
{
	unsigned int i;

	for (i = 0; i < KSYM_CACHE; i++) {
		free(ksym_cache[i].name);
		ksym_cache[i].name = NULL;
		ksym_cache[i].addr = 0;
	}
}
