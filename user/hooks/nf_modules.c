// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nf_modules.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *const wr_nf_mod_names[WR_MOD_MAX] = {
	[WR_MOD_NF_TABLES] = "nf_tables",
	[WR_MOD_IP_TABLES] = "ip_tables",
	[WR_MOD_IP6_TABLES] = "ip6_tables",
};

/* The function we hook in each: in vmlinux BTF exactly when the module is built in. */
static const char *const mod_fns[WR_MOD_MAX] = {
	[WR_MOD_NF_TABLES] = "nft_do_chain",
	[WR_MOD_IP_TABLES] = "ipt_do_table",
	[WR_MOD_IP6_TABLES] = "ip6t_do_table",
};

const char *wr_mod_state_name(enum wr_mod_state s)
{
	switch (s) {
	case WR_MOD_BUILTIN: return "built in";
	case WR_MOD_LOADED: return "loaded";
	case WR_MOD_NO_BTF: return "loaded, no BTF";
	case WR_MOD_ABSENT: break;
	}
	return "not loaded";
}

static bool module_listed(const char *root, const char *name)
{
	char path[256], line[256];
	size_t n = strlen(name);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/modules", root);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, n) && line[n] == ' ';
	fclose(f);
	return found;
}

void wr_nf_modules_read(const struct btf *vmlinux, const char *root, struct wr_nf_modules *m)
{
	char path[256];
	int i;

	for (i = 0; i < WR_MOD_MAX; i++) {
		snprintf(path, sizeof(path), "%s/sys/kernel/btf/%s", root, wr_nf_mod_names[i]);
		if (vmlinux && btf__find_by_name_kind(vmlinux, mod_fns[i], BTF_KIND_FUNC) >= 0)
			m->state[i] = WR_MOD_BUILTIN;
		else if (access(path, F_OK) == 0)
			m->state[i] = WR_MOD_LOADED;
		else if (module_listed(root, wr_nf_mod_names[i]))
			m->state[i] = WR_MOD_NO_BTF;
		else
			m->state[i] = WR_MOD_ABSENT;
	}
}

const char *wr_nf_modules_note(const struct wr_nf_modules *m, bool fn_hooks, char *buf,
			       size_t len)
{
	size_t n = 0;
	int i, absent = 0, no_btf = 0;

	buf[0] = '\0';
	for (i = 0; i < WR_MOD_MAX; i++) {
		if (wr_mod_usable(m->state[i]))
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s %s", n ? ", " : "",
				      wr_nf_mod_names[i], wr_mod_state_name(m->state[i]));
		absent += m->state[i] == WR_MOD_ABSENT;
		no_btf += m->state[i] == WR_MOD_NO_BTF;
	}
	if (!n || !fn_hooks)
		return n ? buf : NULL;
	if (absent)
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
				      ": until it loads, a blocked flow's table is named on the "
				      "client's retry (nft trace, counters); its verdict hooks "
				      "attach when it loads");
	if (no_btf)
		snprintf(buf + n, n < len ? len - n : 0,
			 "%s a module without BTF cannot be hooked to name tables: tracing "
			 "names them on the retry", absent ? ";" : ":");
	return buf;
}
