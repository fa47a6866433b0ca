// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The words for a BPF blocker (blocker.h), and the small parsers it needs. Pure. */
#include "blocker.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "explain.h"
#include "refusal.h"
#include "shell_quote.h"

bool wr_blocker_is_systemd(const char *program)
{
	return !strcmp(program, "sd_fw_ingress");
}

const char *wr_blocker_kind_name(enum wr_blocker_kind k)
{
	switch (k) {
	case WR_BLK_NONE: return "none";
	case WR_BLK_LOOKUP: return "lookup";
	case WR_BLK_SK_LOOKUP: return "sk_lookup";
	case WR_BLK_REUSEPORT: return "reuseport";
	case WR_BLK_CGROUP: return "cgroup";
	case WR_BLK_SOCKET_FILTER: return "socket_filter";
	case WR_BLK_TC: return "tc";
	}
	return "none";
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n > k && !memcmp(s + n - k, suffix, k);
}

bool wr_blocker_cgroup_unit(const char *cgroup, char *unit, size_t len)
{
	static const char *const kinds[] = { ".service", ".socket", ".scope", ".slice" };
	const char *last = strrchr(cgroup, '/');
	size_t n;

	last = last ? last + 1 : cgroup;
	n = strlen(last);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (ends_with(last, n, kinds[i]) && n < len) {
			snprintf(unit, len, "%s", last);
			return true;
		}
	return false;
}

void wr_blocker_holder(const struct wr_blocker *b, char *buf, size_t len)
{
	char extra[192] = "";

	if (!b->pid && b->holder_cut) {
		snprintf(buf, len, "its holder not found: the walk of /proc stopped early");
		return;
	}
	if (!b->pid) {
		snprintf(buf, len, b->kind == WR_BLK_TC && strncmp(b->attach, "tcx", 3) ?
			 "kept by the tc filter itself, no process holds it" :
			 "held by no process (pinned in bpffs, or left attached)");
		return;
	}
	if (b->unit[0] && b->container[0])
		snprintf(extra, sizeof(extra), ", %s, %s", b->unit, b->container);
	else if (b->unit[0] || b->container[0])
		snprintf(extra, sizeof(extra), ", %s", b->unit[0] ? b->unit : b->container);
	snprintf(buf, len, "held by pid %u (%s%s)", b->pid, b->comm, extra);
}

/* "sshd (ssh.service, pid 812) listens on 0.0.0.0:22" */
static void listens(const struct wr_listener *l, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], ep[INET6_ADDRSTRLEN + 10];

	inet_ntop(l->family, l->addr, a, sizeof(a));
	snprintf(ep, sizeof(ep), l->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, l->port);
	if (l->pid && l->unit[0])
		snprintf(buf, len, "%s (%s, pid %u) listens on %s", l->comm, l->unit, l->pid, ep);
	else if (l->pid)
		snprintf(buf, len, "%s (pid %u) listens on %s", l->comm, l->pid, ep);
	else
		snprintf(buf, len, "a socket (inode %u) listens on %s", l->inode, ep);
}

static const struct wr_listener *target(const struct wr_refusal *r)
{
	for (size_t i = 0; i < r->n_related; i++)
		if (r->related[i].relation == WR_REL_TARGET)
			return &r->related[i].l;
	return NULL;
}

static void set_target(struct wr_refusal *r, const struct wr_listener *l)
{
	r->n_related = 0;
	if (!l)
		return;
	r->related[0].l = *l;
	r->related[0].relation = WR_REL_TARGET;
	r->n_related = 1;
}

void wr_blocker_lookup_refused(struct wr_refusal *r, const struct wr_listener *l)
{
	set_target(r, l);
	memset(&r->blocker, 0, sizeof(r->blocker));
	r->blocker.kind = WR_BLK_LOOKUP;
}

bool wr_blocker_expected(struct wr_refusal *r, const struct wr_listener *l)
{
	enum wr_blocker_kind k;

	if (!r->reason || r->cause != WR_CAUSE_OTHER_DROP)
		return false;
	if (!strcmp(r->reason, "SOCKET_FILTER"))
		k = WR_BLK_SOCKET_FILTER;
	else if (!strcmp(r->reason, "TC_INGRESS"))
		k = WR_BLK_TC;
	else
		return false;
	memset(&r->blocker, 0, sizeof(r->blocker));
	r->blocker.kind = k;
	if (k == WR_BLK_SOCKET_FILTER)
		set_target(r, l);
	return true;
}

static void others(const struct wr_blocker *b, char *buf, size_t len)
{
	if (b->others)
		snprintf(buf, len, ", and %u more program%s there", b->others,
			 b->others > 1 ? "s" : "");
	else
		buf[0] = '\0';
}

static void tell_lookup(struct wr_refusal *r, const char *who, const char *holder,
			const char *more)
{
	const struct wr_blocker *b = &r->blocker;
	const char *tail = "; the kernel answered with RST, the client sees Connection refused";

	r->client_sees = "Connection refused";
	if (b->kind == WR_BLK_SK_LOOKUP) {
		snprintf(r->explanation, WR_TEXT_LEN, "%s, but an sk_lookup program (%s, id %u, %s%s) "
			 "attached to this network namespace refused the lookup%s", who, b->program,
			 b->id, holder, more, tail);
	} else if (b->kind == WR_BLK_REUSEPORT) {
		snprintf(r->explanation, WR_TEXT_LEN, "%s, but its SO_REUSEPORT group's BPF program "
			 "(%s, id %u, %s) picked no socket%s", who, b->program, b->id, holder, tail);
	} else {
		snprintf(r->explanation, WR_TEXT_LEN, "%s and would take this SYN, but the kernel's "
			 "socket lookup did not pick it%s%s", who,
			 b->looked ? " (no sk_lookup or SO_REUSEPORT program found)" : "", tail);
	}
}

void wr_blocker_tell(struct wr_refusal *r)
{
	struct wr_blocker *b = &r->blocker;
	const struct wr_listener *l = target(r);
	char who[256] = "", holder[256], more[48], q[WR_QUOTED_LEN], q2[WR_QUOTED_LEN];

	if (l)
		listens(l, who, sizeof(who));
	wr_blocker_holder(b, holder, sizeof(holder));
	others(b, more, sizeof(more));
	b->command[0] = '\0';
	switch (b->kind) {
	case WR_BLK_NONE:
		return;
	case WR_BLK_LOOKUP:
	case WR_BLK_SK_LOOKUP:
	case WR_BLK_REUSEPORT:
		tell_lookup(r, l ? who : "a listener", holder, more);
		if (b->found && b->link_id)
			snprintf(b->command, sizeof(b->command), "bpftool prog show id %u; "
				 "bpftool link show id %u", b->id, b->link_id);
		else if (b->found)
			snprintf(b->command, sizeof(b->command), "bpftool prog show id %u", b->id);
		else
			snprintf(b->command, sizeof(b->command), "bpftool link show; bpftool prog show");
		break;
	case WR_BLK_CGROUP:
		wr_shell_quote(b->cgroup_unit, q, sizeof(q));
		if (wr_blocker_is_systemd(b->program) && b->cgroup_unit[0]) {
			snprintf(r->explanation, WR_TEXT_LEN, "systemd's IPAddressDeny=/IPAddressAllow= "
				 "of %s dropped the SYN (its program %s, id %u, on cgroup %s ingress%s); "
				 "%s there; the client usually sees a timeout", b->cgroup_unit,
				 b->program, b->id, b->cgroup, more, l ? who : "its listener");
			snprintf(b->command, sizeof(b->command),
				 "systemctl show -p IPAddressDeny -p IPAddressAllow %s", q);
		} else {
			snprintf(r->explanation, WR_TEXT_LEN, "a cgroup BPF program dropped the SYN: %s "
				 "(id %u, %s) on cgroup %s ingress%s; %s in that cgroup; the client "
				 "usually sees a timeout", b->program, b->id, holder, b->cgroup, more,
				 l ? who : "its listener");
			snprintf(b->command, sizeof(b->command), "bpftool cgroup tree; bpftool prog "
				 "show id %u", b->id);
		}
		break;
	case WR_BLK_SOCKET_FILTER:
		if (b->looked)
			snprintf(r->explanation, WR_TEXT_LEN, "the listener's own socket filter "
				 "(SO_ATTACH_FILTER or SO_ATTACH_BPF, set by its program) dropped the SYN: "
				 "%s, and no cgroup ingress program is on its cgroup%s%s or above; the "
				 "client usually sees a timeout", l ? who : "its listener is not known",
				 b->cgroup[0] ? " " : "", b->cgroup);
		else
			snprintf(r->explanation, WR_TEXT_LEN, "a socket filter (SO_ATTACH_FILTER/BPF) "
				 "or a cgroup BPF program dropped the SYN%s%s; the client usually sees a "
				 "timeout", l ? ": " : "", l ? who : "");
		snprintf(b->command, sizeof(b->command), "bpftool cgroup tree; bpftool prog show");
		break;
	case WR_BLK_TC:
		wr_shell_quote(b->device[0] ? b->device : "", q, sizeof(q));
		if (b->found)
			snprintf(r->explanation, WR_TEXT_LEN, "a BPF program on the ingress of %s "
				 "dropped the SYN: %s (id %u, %s, %s)%s; the client usually sees a "
				 "timeout", b->device, b->program, b->id, b->attach, holder, more);
		else
			snprintf(r->explanation, WR_TEXT_LEN, "a tc ingress filter or BPF program%s%s "
				 "dropped the SYN%s; the client usually sees a timeout",
				 b->device[0] ? " on " : "", b->device,
				 b->looked ? " (none left there now)" : "");
		if (b->device[0]) {
			snprintf(q2, sizeof(q2), "%s", q);
			snprintf(b->command, sizeof(b->command), "%stc filter show dev %s ingress; "
				 "%sbpftool net show dev %s", b->ns_prefix, q, b->ns_prefix, q2);
		}
		break;
	}
	r->n_hints = 0;
	if (b->command[0])
		wr_add_hint(r, "%s", b->command);
}

void wr_blocker_words(struct wr_refusal *r)
{
	const struct wr_blocker *b = &r->blocker;
	/*
	 * A blocker the drop reason named (SOCKET_FILTER, TC_INGRESS) was first
	 * told before NAT's clause was added; bpf_blockers.c, when it looked,
	 * told it again without. One the lookup refused was told after it.
	 */
	bool nat_kept = !b->looked && b->kind != WR_BLK_LOOKUP && r->nat.found && r->nat.told[0];

	if (b->kind == WR_BLK_NONE)
		return;
	wr_blocker_tell(r);
	if (nat_kept) {
		size_t n = strlen(r->explanation);

		snprintf(r->explanation + n, sizeof(r->explanation) - n, "; %s", r->nat.told);
	}
}

bool wr_fdinfo_bpf_ids(const char *text, uint32_t *prog_id, uint32_t *link_id)
{
	unsigned long v;

	*prog_id = *link_id = 0;
	for (const char *line = text; *line;) {
		size_t n = strcspn(line, "\n");

		if (n > 8 && !strncmp(line, "prog_id:", 8) && sscanf(line + 8, "%lu", &v) == 1 &&
		    v <= UINT32_MAX)
			*prog_id = (uint32_t)v;
		else if (n > 8 && !strncmp(line, "link_id:", 8) &&
			 sscanf(line + 8, "%lu", &v) == 1 && v <= UINT32_MAX)
			*link_id = (uint32_t)v;
		line += n + (line[n] ? 1 : 0);
	}
	return *prog_id || *link_id;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(const char *s, size_t n, char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < len; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			out[o++] = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

bool wr_cgroup2_mount(const char *mountinfo, char *dir, size_t len)
{
	for (const char *line = mountinfo; *line;) {
		size_t n = strcspn(line, "\n");
		const char *f = line, *end = line + n, *mp = NULL, *sep;
		size_t mpn = 0;

		/* id parent major:minor root MOUNTPOINT options ... - FSTYPE source super */
		for (int field = 0; field < 5 && f < end; field++) {
			size_t w = strcspn(f, " \n");

			if (f + w > end)
				w = (size_t)(end - f);
			if (field == 4) {
				mp = f;
				mpn = w;
			}
			f += w + (f + w < end ? 1 : 0);
		}
		sep = mp ? strstr(f, " - cgroup2 ") : NULL;
		if (mp && sep && sep < end && mpn < len) {
			unescape(mp, mpn, dir, len);
			return true;
		}
		line += n + (line[n] ? 1 : 0);
	}
	return false;
}

bool wr_cgroup2_path(const char *proc_cgroup, char *path, size_t len)
{
	for (const char *line = proc_cgroup; *line;) {
		size_t n = strcspn(line, "\n");

		if (n > 3 && !strncmp(line, "0::/", 4) && n - 3 < len) {
			snprintf(path, len, "%.*s", (int)(n - 3), line + 3);
			return true;
		}
		line += n + (line[n] ? 1 : 0);
	}
	return false;
}
