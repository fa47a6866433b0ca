// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The kernel's BTF as the hook plan reads it (kernel_btf.c): a raw BTF file
 * mapped and copied once, other files through btf__parse, one line for
 * what cannot be read; and the kernel's own file, where there is one, read
 * to the same types either way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/btf.h>

#include "kernel_btf.h"

static char dir[] = "/tmp/wr-kernel-btf.XXXXXX";

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* int, and a function named `fn` returning it. */
static struct btf *small_btf(const char *fn)
{
	struct btf *btf = btf__new_empty();
	int i, proto;

	assert_non_null(btf);
	i = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	proto = btf__add_func_proto(btf, i);
	assert_true(btf__add_func(btf, fn, BTF_FUNC_GLOBAL, proto) > 0);
	return btf;
}

static void test_raw_file_is_read_whole(void **state)
{
	struct btf *built = small_btf("tcp_conn_request"), *got;
	char path[64], err[256] = "";
	const void *raw;
	uint32_t size;

	(void)state;
	raw = btf__raw_data(built, &size);
	snprintf(path, sizeof(path), "%s/raw", dir);
	write_file(path, raw, size);
	got = wr_kernel_btf_load(path, err, sizeof(err));
	assert_non_null(got);
	assert_string_equal(err, "");
	assert_int_equal(btf__type_cnt(got), btf__type_cnt(built));
	assert_true(btf__find_by_name_kind(got, "tcp_conn_request", BTF_KIND_FUNC) > 0);
	btf__free(got);
	btf__free(built);
}

static void test_missing_file_is_one_line(void **state)
{
	char err[256] = "";

	(void)state;
	assert_null(wr_kernel_btf_load("/nonexistent/btf", err, sizeof(err)));
	assert_string_equal(err, "cannot read BTF file /nonexistent/btf: "
			    "No such file or directory");
}

static void test_not_btf_is_one_line(void **state)
{
	static const char junk[] = "this is not BTF, nor an ELF file\n";
	char path[64], err[256] = "";

	(void)state;
	snprintf(path, sizeof(path), "%s/junk", dir);
	write_file(path, junk, sizeof(junk) - 1);
	assert_null(wr_kernel_btf_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot parse BTF from "));
	assert_null(strchr(err, '\n'));
	snprintf(path, sizeof(path), "%s/empty", dir);
	write_file(path, "", 0);
	err[0] = '\0';
	assert_null(wr_kernel_btf_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot parse BTF from "));
}

/* Mapped (6.16+) or read page by page: the same BTF. */
static void test_kernel_btf_matches_btf_parse(void **state)
{
	struct btf *ours, *libbpf;
	char err[256] = "";

	(void)state;
	if (access(WR_KERNEL_BTF, R_OK))
		skip();
	ours = wr_kernel_btf_load(WR_KERNEL_BTF, err, sizeof(err));
	libbpf = btf__parse(WR_KERNEL_BTF, NULL);
	assert_non_null(ours);
	assert_non_null(libbpf);
	assert_int_equal(btf__type_cnt(ours), btf__type_cnt(libbpf));
	assert_int_equal(btf__find_by_name_kind(ours, "tcp_v4_rcv", BTF_KIND_FUNC),
			 btf__find_by_name_kind(libbpf, "tcp_v4_rcv", BTF_KIND_FUNC));
	btf__free(ours);
	btf__free(libbpf);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	const char *names[] = { "raw", "junk", "empty" };
	char path[64];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_file_is_read_whole),
		cmocka_unit_test(test_missing_file_is_one_line),
		cmocka_unit_test(test_not_btf_is_one_line),
		cmocka_unit_test(test_kernel_btf_matches_btf_parse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
