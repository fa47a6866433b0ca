/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The kernel's BTF, for our hook plan: mapped and copied once where it can be. */
#ifndef WR_KERNEL_BTF_H
#define WR_KERNEL_BTF_H

#include <stddef.h>

struct btf;

#define WR_KERNEL_BTF "/sys/kernel/btf/vmlinux"

/*
 * The BTF at `path` (raw, or an ELF file's .BTF section), or NULL with one
 * line in err: no such file (said as "this kernel has no BTF" for the
 * kernel's own), or no BTF in it. Free with btf__free().
 */
struct btf *wr_kernel_btf_load(const char *path, char *err, size_t errlen);

#endif /* WR_KERNEL_BTF_H */
