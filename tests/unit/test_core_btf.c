// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The small BTF CO-RE relocates against (core_btf.c): a root's candidates
 * with what an access reaches through members, typedefs and arrays; other
 * pointers made void; a root with no candidate of its kind gives none (then
 * libbpf reads the whole BTF, modules included). That the loaded programs
 * come out the same is checked against the kernel: docs/performance.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/btf.h>

#include "core_btf.h"

/*
 * int; struct c { int z; }; struct b { int y; }; struct a { int x; struct b y;
 * struct c *p; }; typedef struct c *c_ptr; enum e { E1 }; struct d { int q[2]; }
 */
static struct btf *kernel_like(void)
{
	struct btf *btf = btf__new_empty();
	int i, c, pc, b, a, arr;

	assert_non_null(btf);
	i = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	c = btf__add_struct(btf, "c", 4);
	assert_int_equal(btf__add_field(btf, "z", i, 0, 0), 0);
	pc = btf__add_ptr(btf, c);
	b = btf__add_struct(btf, "b", 4);
	assert_int_equal(btf__add_field(btf, "y", i, 0, 0), 0);
	a = btf__add_struct(btf, "a", 16);
	assert_int_equal(btf__add_field(btf, "x", i, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "y", b, 32, 0), 0);
	assert_int_equal(btf__add_field(btf, "p", pc, 64, 0), 0);
	assert_true(btf__add_typedef(btf, "c_ptr", pc) > 0);
	assert_true(btf__add_enum(btf, "e", 4) > 0);
	assert_int_equal(btf__add_enum_value(btf, "E1", 0), 0);
	arr = btf__add_array(btf, i, i, 2);
	assert_true(btf__add_struct(btf, "d", 8) > 0);
	assert_int_equal(btf__add_field(btf, "q", arr, 0, 0), 0);
	assert_true(a > 0);
	return btf;
}

static struct wr_core_root root(const char *name, size_t len, int kind, int followed)
{
	return (struct wr_core_root){ .name = name, .len = len, .kind = kind, .followed = followed };
}

static const struct btf_type *named(const struct btf *btf, const char *name, int kind)
{
	int id = btf__find_by_name_kind(btf, name, kind);

	return id > 0 ? btf__type_by_id(btf, id) : NULL;
}

static void test_members_kept_pointers_void(void **state)
{
	struct btf *k = kernel_like(), *s;
	struct wr_core_root r = root("a", 1, BTF_KIND_STRUCT, 0);
	const struct btf_type *a, *p;

	(void)state;
	s = wr_core_btf_prune(k, &r, 1);
	assert_non_null(s);
	/* a, int, b, and a's pointer member, to void: not c, c_ptr, e or d */
	assert_int_equal(btf__type_cnt(s), 5);
	a = named(s, "a", BTF_KIND_STRUCT);
	assert_non_null(a);
	assert_int_equal(btf_vlen(a), 3);
	assert_ptr_equal(btf__type_by_id(s, btf_members(a)[1].type), named(s, "b", BTF_KIND_STRUCT));
	p = btf__type_by_id(s, btf_members(a)[2].type);
	assert_int_equal(btf_kind(p), BTF_KIND_PTR);
	assert_int_equal(p->type, 0);
	assert_null(named(s, "c", BTF_KIND_STRUCT));
	assert_int_equal(btf_members(a)[0].offset, 0);
	assert_int_equal(btf_members(a)[2].offset, 64);
	btf__free(s);
	btf__free(k);
}

/* bpf_core_type_exists(c_ptr) compares what it points to: struct c is kept. */
static void test_type_based_root_follows_pointers(void **state)
{
	struct btf *k = kernel_like(), *s;
	struct wr_core_root r = root("c_ptr", 5, BTF_KIND_TYPEDEF, 1);
	const struct btf_type *td, *p;

	(void)state;
	s = wr_core_btf_prune(k, &r, 1);
	assert_non_null(s);
	td = named(s, "c_ptr", BTF_KIND_TYPEDEF);
	assert_non_null(td);
	p = btf__type_by_id(s, td->type);
	assert_int_equal(btf_kind(p), BTF_KIND_PTR);
	assert_ptr_equal(btf__type_by_id(s, p->type), named(s, "c", BTF_KIND_STRUCT));
	assert_null(named(s, "a", BTF_KIND_STRUCT));
	btf__free(s);
	btf__free(k);
}

/* A ___flavour is matched by its essential name; arrays keep their element and index. */
static void test_flavour_enum_and_array(void **state)
{
	struct btf *k = kernel_like(), *s;
	struct wr_core_root r[] = { root("d___new", 1, BTF_KIND_STRUCT, 0),
				    root("e", 1, BTF_KIND_ENUM64, 0) };
	const struct btf_type *d, *arr;

	(void)state;
	s = wr_core_btf_prune(k, r, 2);
	assert_non_null(s);
	assert_non_null(named(s, "e", BTF_KIND_ENUM));
	d = named(s, "d", BTF_KIND_STRUCT);
	assert_non_null(d);
	arr = btf__type_by_id(s, btf_members(d)[0].type);
	assert_int_equal(btf_kind(arr), BTF_KIND_ARRAY);
	assert_int_equal(btf_array(arr)->nelems, 2);
	assert_ptr_equal(btf__type_by_id(s, btf_array(arr)->type), named(s, "int", BTF_KIND_INT));
	btf__free(s);
	btf__free(k);
}

/* No candidate of the root's kind: libbpf must search the whole BTF and the modules'. */
static void test_missing_root_gives_none(void **state)
{
	struct btf *k = kernel_like();
	struct wr_core_root missing = root("nft_chain", 9, BTF_KIND_STRUCT, 0);
	struct wr_core_root wrong_kind = root("a", 1, BTF_KIND_UNION, 0);

	(void)state;
	assert_null(wr_core_btf_prune(k, &missing, 1));
	assert_null(wr_core_btf_prune(k, &wrong_kind, 1));
	btf__free(k);
}

static void test_not_an_object_gives_no_fd(void **state)
{
	struct btf *k = kernel_like();
	char path[64] = "", junk[256];

	(void)state;
	memset(junk, 0x7f, sizeof(junk));
	assert_int_equal(wr_core_btf_write(k, junk, sizeof(junk), path, sizeof(path)), -1);
	assert_int_equal(wr_core_btf_write(k, junk, 3, path, sizeof(path)), -1);
	assert_string_equal(path, "");
	btf__free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members_kept_pointers_void),
		cmocka_unit_test(test_type_based_root_follows_pointers),
		cmocka_unit_test(test_flavour_enum_and_array),
		cmocka_unit_test(test_missing_root_gives_none),
		cmocka_unit_test(test_not_an_object_gives_no_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
