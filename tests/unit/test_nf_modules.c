// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Which netfilter modules the kernel has, from BTF built here and a fake
 * /sys + /proc tree: built in (6.18 here), loaded with BTF, loaded without,
 * or not loaded (a Debian kernel on a fresh boot), and the note about it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/btf.h>

#include "nf_modules.h"

static char root[64];

static void write_file(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	char path[256];

	snprintf(root, sizeof(root), "/tmp/wr-nfmod.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/proc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/kernel", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/kernel/btf", root);
	mkdir(path, 0755);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

/* vmlinux BTF with the given functions (a module built in has its function there). */
static struct btf *vmlinux_with(const char *fn)
{
	struct btf *btf = btf__new_empty();
	int proto;

	assert_non_null(btf);
	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	proto = btf__add_func_proto(btf, 1);
	if (fn)
		btf__add_func(btf, fn, BTF_FUNC_GLOBAL, proto);
	return btf;
}

static void test_fresh_debian_boot(void **state)
{
	struct btf *btf = vmlinux_with(NULL);
	struct wr_nf_modules m;
	char buf[512];
	const char *note;

	write_file("proc/modules", "veth 40960 0 - Live 0x0\n");
	wr_nf_modules_read(btf, root, &m);
	assert_int_equal(m.state[WR_MOD_NF_TABLES], WR_MOD_ABSENT);
	assert_int_equal(m.state[WR_MOD_IP_TABLES], WR_MOD_ABSENT);
	assert_int_equal(m.state[WR_MOD_IP6_TABLES], WR_MOD_ABSENT);
	note = wr_nf_modules_note(&m, true, buf, sizeof(buf));
	assert_non_null(note);
	assert_non_null(strstr(note, "nf_tables not loaded, ip_tables not loaded, "
				     "ip6_tables not loaded: until it loads"));
	assert_non_null(strstr(note, "attach when it loads"));
	/* The tracepoint backend hooks no function: the states, nothing promised. */
	note = wr_nf_modules_note(&m, false, buf, sizeof(buf));
	assert_string_equal(note, "nf_tables not loaded, ip_tables not loaded, "
				  "ip6_tables not loaded");
	btf__free(btf);
}

static void test_loaded_with_and_without_btf(void **state)
{
	struct btf *btf = vmlinux_with(NULL);
	struct wr_nf_modules m;
	char buf[512];
	const char *note;

	/* nf_tables with BTF; ip_tables listed but no BTF; a prefix is not a match. */
	write_file("sys/kernel/btf/nf_tables", "");
	write_file("proc/modules", "nf_tables 286720 0 - Live 0x0\n"
				   "ip_tables 36864 0 - Live 0x0\nip6_tables_x 1 0 - Live 0x0\n");
	wr_nf_modules_read(btf, root, &m);
	assert_int_equal(m.state[WR_MOD_NF_TABLES], WR_MOD_LOADED);
	assert_int_equal(m.state[WR_MOD_IP_TABLES], WR_MOD_NO_BTF);
	assert_int_equal(m.state[WR_MOD_IP6_TABLES], WR_MOD_ABSENT);
	note = wr_nf_modules_note(&m, true, buf, sizeof(buf));
	assert_non_null(strstr(note, "ip_tables loaded, no BTF, ip6_tables not loaded:"));
	assert_null(strstr(note, "nf_tables"));
	assert_non_null(strstr(note, "without BTF cannot be hooked"));
	btf__free(btf);
}

static void test_built_in(void **state)
{
	struct btf *btf = vmlinux_with("nft_do_chain");
	struct wr_nf_modules m;
	char buf[512];

	write_file("proc/modules", "");
	write_file("sys/kernel/btf/ip_tables", "");
	write_file("sys/kernel/btf/ip6_tables", "");
	wr_nf_modules_read(btf, root, &m);
	assert_int_equal(m.state[WR_MOD_NF_TABLES], WR_MOD_BUILTIN);
	assert_int_equal(m.state[WR_MOD_IP_TABLES], WR_MOD_LOADED);
	assert_string_equal(wr_mod_state_name(m.state[WR_MOD_NF_TABLES]), "built in");
	assert_null(wr_nf_modules_note(&m, true, buf, sizeof(buf)));
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fresh_debian_boot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loaded_with_and_without_btf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_built_in, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
