/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kernel's types our BPF object's CO-RE relocations can ask about, as
 * a small BTF libbpf relocates against (bpf_object_open_opts'
 * btf_custom_path) instead of the whole vmlinux BTF: libbpf 1.1 finds each
 * relocated type by a scan of every kernel type (126,000 on 6.18), about
 * 30 ms of CPU at start for the ~60 types the default mode relocates.
 */
#ifndef WR_CORE_BTF_H
#define WR_CORE_BTF_H

#include <stddef.h>

#include <bpf/btf.h>

/* A type a relocation starts from: its name without a ___flavour, and whether it is type-based. */
struct wr_core_root {
	const char *name;	/* points into the object's BTF */
	size_t len;		/* essential length: up to a "___" */
	int kind;		/* BTF_KIND_* of the local type */
	int followed;		/* a type-based relocation: pointers are compared too */
};

/*
 * The roots' candidates in `vmlinux` (same essential name, any kind), each
 * with what a relocation can reach from it (members, typedefs, arrays;
 * pointers only from a type-based root), pointers beyond that made void.
 * NULL when a root has no candidate of its kind in `vmlinux` (libbpf would
 * then search the modules' BTF, which a custom BTF turns off) or on error.
 */
struct btf *wr_core_btf_prune(const struct btf *vmlinux, const struct wr_core_root *roots,
			      size_t n);

/*
 * For the object `elf` (the skeleton's bytes): its relocations' roots
 * (.BTF.ext), pruned from `vmlinux`, written to a memfd whose path is put
 * in `path`. Returns the fd (close it after the load), or -1: then libbpf
 * relocates against the whole vmlinux BTF, as without this.
 */
int wr_core_btf_write(const struct btf *vmlinux, const void *elf, size_t elf_size, char *path,
		      size_t pathlen);

#endif
