/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Names the running kernel gives to numbers: enum values from BTF, addresses from kallsyms. */
#ifndef WR_KERNEL_NAMES_H
#define WR_KERNEL_NAMES_H

#include <bpf/btf.h>

#include "refusal.h"

/*
 * Reads `enum enum_name` from BTF into `t`, names stripped of `prefix`
 * (SKB_DROP_REASON_NO_SOCKET -> NO_SOCKET). An absent enum gives an empty
 * table. Returns 0 or -ENOMEM. Free with wr_enum_table_free().
 */
int wr_enum_table_from_btf(const struct btf *btf, const char *enum_name, const char *prefix,
			   struct wr_enum_table *t);
void wr_enum_table_free(struct wr_enum_table *t);

/* Value of one enumerator, or -1 when BTF does not have it. */
long long wr_btf_enum_value(const struct btf *btf, const char *enum_name, const char *enumerator);

/* Kernel address -> function name via /proc/kallsyms, cached; NULL if unknown. */
const char *wr_ksym_name(void *unused, uint64_t addr);
void wr_ksym_cache_free(void);

#endif /* WR_KERNEL_NAMES_H */
