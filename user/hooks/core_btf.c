// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What libbpf's CO-RE relocation reads of the kernel's BTF (libbpf 1.1,
 * relo_core.c), and so what the small BTF keeps: for each relocated local
 * type, every kernel type of the same essential name (the candidates);
 * from a candidate, the members an access walks into, through typedefs,
 * modifiers and arrays; a pointer is compared by kind only, except from a
 * type-based relocation (bpf_core_type_exists...), which compares what it
 * points to. Pointers nothing compares point to void. Candidates keep
 * their order, so libbpf sees the same candidates in the same order.
 */
#include "core_btf.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/btf.h>

#define MAX_ROOTS 512

/* libbpf's bpf_core_essential_name_len(): up to the last "X___Y", X and Y not '_'. */
static size_t essential_len(const char *name)
{
	size_t n = strlen(name);

	if (!strstr(name, "___"))	/* most names: a quick way out */
		return n;

	for (size_t i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] != '_')
			return i + 1;
	return n;
}

/* ENUM and ENUM64 are one kind to libbpf's candidate search. */
static bool same_kind(int a, int b)
{
	bool ea = a == BTF_KIND_ENUM || a == BTF_KIND_ENUM64;
	bool eb = b == BTF_KIND_ENUM || b == BTF_KIND_ENUM64;

	return a == b || (ea && eb);
}

struct prune {
	const struct btf *src;
	uint8_t *mark;		/* per source id: KEPT, and FOLLOWED once pointers were followed */
	uint32_t *stack;
	size_t top, cap;
};

#define KEPT		1
#define FOLLOWED	2

static int push(struct prune *p, uint32_t id, bool follow)
{
	uint8_t want = (uint8_t)(KEPT | (follow ? FOLLOWED : 0));

	if (!id || (p->mark[id] & want) == want)
		return 0;
	p->mark[id] |= want;
	if (p->top == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 1024;
		uint32_t *ns = realloc(p->stack, ncap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		p->stack = ns;
		p->cap = ncap;
	}
	p->stack[p->top++] = id;
	return 0;
}

/* Marks what a relocation can reach from the types on the stack. */
static int walk(struct prune *p)
{
	int err = 0;

	while (!err && p->top) {
		uint32_t id = p->stack[--p->top];
		bool follow = p->mark[id] & FOLLOWED;
		const struct btf_type *t = btf__type_by_id(p->src, id);
		uint16_t i, vlen = btf_vlen(t);

		switch (btf_kind(t)) {
		case BTF_KIND_PTR:
			if (follow)
				err = push(p, t->type, true);
			break;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_FUNC:
		case BTF_KIND_VAR:
		case BTF_KIND_DECL_TAG:
			err = push(p, t->type, follow);
			break;
		case BTF_KIND_ARRAY:
			err = push(p, btf_array(t)->type, follow);
			err = err ? err : push(p, btf_array(t)->index_type, false);
			break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			for (i = 0; !err && i < vlen; i++)
				err = push(p, btf_members(t)[i].type, false);
			break;
		case BTF_KIND_FUNC_PROTO:
			err = push(p, t->type, follow);
			for (i = 0; !err && i < vlen; i++)
				err = push(p, btf_params(t)[i].type, follow);
			break;
		case BTF_KIND_DATASEC:
			for (i = 0; !err && i < vlen; i++)
				err = push(p, btf_var_secinfos(t)[i].type, follow);
			break;
		default:	/* INT, FLOAT, ENUM, ENUM64, FWD: nothing further */
			break;
		}
	}
	return err;
}

#define SLOTS 4096	/* > 2 * MAX_ROOTS: root indexes + 1 by name hash, 0 empty */

static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

/* Each root's candidates marked; false when a root has none of its kind. */
static bool mark_candidates(struct prune *p, const struct wr_core_root *roots, size_t n)
{
	uint32_t id, count = btf__type_cnt(p->src);
	static uint16_t slot[SLOTS];
	static uint64_t first[256];	/* bit len % 64 set: a root starts with this byte */
	bool found[MAX_ROOTS] = { 0 };
	size_t r, s;

	if (n > MAX_ROOTS)
		return false;
	memset(slot, 0, sizeof(slot));
	memset(first, 0, sizeof(first));
	for (r = 0; r < n; r++) {
		first[(uint8_t)roots[r].name[0]] |= 1ull << (roots[r].len % 64);
		for (s = name_hash(roots[r].name, roots[r].len) % SLOTS; slot[s]; s = (s + 1) % SLOTS)
			;
		slot[s] = (uint16_t)(r + 1);
	}
	for (id = 1; id < count; id++) {
		const struct btf_type *t = btf__type_by_id(p->src, id);
		const char *name = btf__name_by_offset(p->src, t->name_off);
		size_t len;

		if (!name || !*name || !first[(uint8_t)name[0]])
			continue;
		len = essential_len(name);
		if (!(first[(uint8_t)name[0]] & (1ull << (len % 64))))
			continue;
		for (s = name_hash(name, len) % SLOTS; slot[s]; s = (s + 1) % SLOTS) {
			r = slot[s] - 1u;
			if (roots[r].len != len || memcmp(roots[r].name, name, len))
				continue;
			if (push(p, id, roots[r].followed))
				return false;
			found[r] |= same_kind(roots[r].kind, btf_kind(t));
		}
	}
	for (r = 0; r < n; r++)
		if (!found[r])
			return false;
	return true;
}

/* A referenced id in the copy: its new id, or void for a pointer's target left out. */
static int remap(const uint32_t *map, uint32_t *id, bool may_drop)
{
	if (!*id)
		return 0;
	if (!map[*id] && !may_drop)
		return -EINVAL;	/* the walk keeps every non-pointer reference */
	*id = map[*id];
	return 0;
}

/* libbpf copies a type with its old ids: point them at the copies. */
static int remap_type(struct btf_type *t, const uint32_t *map)
{
	uint16_t i, vlen = btf_vlen(t);
	int err = 0;

	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		return remap(map, &t->type, true);
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return remap(map, &t->type, false);
	case BTF_KIND_ARRAY:
		err = remap(map, &btf_array(t)->type, false);
		return err ? err : remap(map, &btf_array(t)->index_type, false);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (i = 0; !err && i < vlen; i++)
			err = remap(map, &btf_members(t)[i].type, false);
		return err;
	case BTF_KIND_FUNC_PROTO:
		err = remap(map, &t->type, false);
		for (i = 0; !err && i < vlen; i++)
			err = remap(map, &btf_params(t)[i].type, false);
		return err;
	case BTF_KIND_DATASEC:
		for (i = 0; !err && i < vlen; i++)
			err = remap(map, &btf_var_secinfos(t)[i].type, false);
		return err;
	default:
		return 0;
	}
}

/* The marked types copied in their order, then their references renumbered. */
static struct btf *copy_marked(const struct btf *src, const uint8_t *mark)
{
	uint32_t id, count = btf__type_cnt(src);
	uint32_t *map = calloc(count, sizeof(*map));
	struct btf *dst = btf__new_empty();
	int nid = 0;

	for (id = 1; map && dst && nid >= 0 && id < count; id++)
		if (mark[id]) {
			nid = btf__add_type(dst, src, btf__type_by_id(src, id));
			if (nid > 0)
				map[id] = (uint32_t)nid;
		}
	for (id = 1; map && dst && nid > 0 && id < btf__type_cnt(dst); id++)
		/* btf__add_type made dst's types writable memory of its own. */
		if (remap_type((struct btf_type *)btf__type_by_id(dst, id), map))
			nid = -EINVAL;
	free(map);
	if (!map || nid <= 0) {
		btf__free(dst);
		return NULL;
	}
	return dst;
}

struct btf *wr_core_btf_prune(const struct btf *vmlinux, const struct wr_core_root *roots,
			      size_t n)
{
	struct prune p = { .src = vmlinux };
	struct btf *out = NULL;

	p.mark = calloc(btf__type_cnt(vmlinux), 1);
	if (p.mark && mark_candidates(&p, roots, n) && !walk(&p))
		out = copy_marked(vmlinux, p.mark);
	free(p.mark);
	free(p.stack);
	return out;
}

/* The section `name` of a 64-bit ELF in memory, or NULL (headers copied: no alignment assumed). */
static const void *elf_section(const void *elf, size_t size, const char *name, size_t *len)
{
	const char *base = elf;
	Elf64_Shdr sh, names;
	Elf64_Ehdr eh;

	if (size < sizeof(eh))
		return NULL;
	memcpy(&eh, elf, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_shentsize != sizeof(sh) || eh.e_shoff > size ||
	    eh.e_shnum > (size - eh.e_shoff) / sizeof(sh) || eh.e_shstrndx >= eh.e_shnum)
		return NULL;
	memcpy(&names, base + eh.e_shoff + eh.e_shstrndx * sizeof(sh), sizeof(sh));
	if (names.sh_offset > size || names.sh_size > size - names.sh_offset)
		return NULL;
	for (uint16_t i = 0; i < eh.e_shnum; i++) {
		const char *n;

		memcpy(&sh, base + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		if (sh.sh_name >= names.sh_size)
			continue;
		n = base + names.sh_offset + sh.sh_name;
		if (strnlen(n, names.sh_size - sh.sh_name) != strlen(name) || strcmp(n, name))
			continue;
		if (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset)
			return NULL;
		*len = sh.sh_size;
		return base + sh.sh_offset;
	}
	return NULL;
}

/* libbpf's btf_ext_header (libbpf_internal.h), up to the CO-RE part. */
struct ext_header {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len;
	uint32_t func_info_off, func_info_len;
	uint32_t line_info_off, line_info_len;
	uint32_t core_relo_off, core_relo_len;
};

static void add_root(const struct btf *local, uint32_t type_id, uint32_t kind,
		     struct wr_core_root *roots, size_t *n, bool *full)
{
	const struct btf_type *t = btf__type_by_id(local, type_id);
	bool followed = kind == BPF_CORE_TYPE_EXISTS || kind == BPF_CORE_TYPE_SIZE ||
			kind == 12;	/* BPF_CORE_TYPE_MATCHES, not in every linux/bpf.h */
	const char *name;
	size_t i;

	if (kind == BPF_CORE_TYPE_ID_LOCAL)	/* answered from the object alone */
		return;
	if (kind == BPF_CORE_TYPE_ID_TARGET) {	/* a kernel type id: the copy's would be wrong */
		*full = true;
		return;
	}
	if (!t || !(name = btf__name_by_offset(local, t->name_off)) || !*name) {
		*full = true;	/* libbpf refuses these anyway: let it say so */
		return;
	}
	for (i = 0; i < *n; i++)
		if (!strcmp(roots[i].name, name) && roots[i].kind == btf_kind(t)) {
			roots[i].followed |= followed;
			return;
		}
	if (*n == MAX_ROOTS) {
		*full = true;
		return;
	}
	roots[(*n)++] = (struct wr_core_root){ .name = name, .len = essential_len(name),
					       .kind = btf_kind(t), .followed = followed };
}

/* The relocations' roots from .BTF.ext; false if it cannot be read whole. */
static bool read_roots(const struct btf *local, const void *ext, size_t len,
		       struct wr_core_root *roots, size_t *n)
{
	const uint8_t *p, *end;
	struct ext_header h;
	uint32_t rec_size;
	bool full = false;

	if (len < sizeof(h))
		return false;
	memcpy(&h, ext, sizeof(h));
	if (h.magic != BTF_MAGIC || h.hdr_len < sizeof(h) || h.hdr_len > len ||
	    h.core_relo_off > len - h.hdr_len ||
	    h.core_relo_len > len - h.hdr_len - h.core_relo_off || h.core_relo_len < 4)
		return false;
	p = (const uint8_t *)ext + h.hdr_len + h.core_relo_off;
	end = p + h.core_relo_len;
	memcpy(&rec_size, p, 4);
	if (rec_size < sizeof(struct bpf_core_relo))
		return false;
	for (p += 4; !full && end - p >= 8;) {
		uint32_t sec[2];

		memcpy(sec, p, 8);	/* name offset, records */
		p += 8;
		if (sec[1] > (size_t)(end - p) / rec_size)
			return false;
		for (uint32_t i = 0; i < sec[1]; i++, p += rec_size) {
			struct bpf_core_relo r;

			memcpy(&r, p, sizeof(r));
			add_root(local, r.type_id, r.kind, roots, n, &full);
		}
	}
	return !full && p == end;
}

int wr_core_btf_write(const struct btf *vmlinux, const void *elf, size_t elf_size, char *path,
		      size_t pathlen)
{
	struct wr_core_root *roots = calloc(MAX_ROOTS, sizeof(*roots));
	size_t btf_len = 0, ext_len = 0, n = 0;
	const void *btf_sec = elf_section(elf, elf_size, ".BTF", &btf_len);
	const void *ext = elf_section(elf, elf_size, ".BTF.ext", &ext_len);
	struct btf *local = btf_sec ? btf__new(btf_sec, (uint32_t)btf_len) : NULL;
	struct btf *small = NULL;
	const void *raw;
	uint32_t raw_len;
	int fd = -1;

	if (libbpf_get_error(local))
		local = NULL;
	if (roots && local && ext && read_roots(local, ext, ext_len, roots, &n))
		small = wr_core_btf_prune(vmlinux, roots, n);
	raw = small ? btf__raw_data(small, &raw_len) : NULL;
	if (raw)
		fd = memfd_create("whyrefused-core-btf", MFD_CLOEXEC);
	if (fd >= 0 && write(fd, raw, raw_len) != (ssize_t)raw_len) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0)
		snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	btf__free(small);
	btf__free(local);
	free(roots);
	return fd;
}
