/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A BPF program that decided about a SYN (bpf_blockers.c finds it): an
 * sk_lookup program that refused the socket lookup, a cgroup's ingress
 * program or a socket's own filter that dropped it, a tc/tcx program on
 * the interface's ingress. Plain data, and the words that tell it
 * (blocker_words.c, pure).
 */
#ifndef WR_BLOCKER_H
#define WR_BLOCKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum wr_blocker_kind {
	WR_BLK_NONE,
	WR_BLK_LOOKUP,		/* a listener would take the SYN, the lookup gave none: not named */
	WR_BLK_SK_LOOKUP,	/* an sk_lookup program attached to the namespace */
	WR_BLK_REUSEPORT,	/* the listener's SO_REUSEPORT group's program */
	WR_BLK_CGROUP,		/* a cgroup ingress program on the listener's cgroup or above */
	WR_BLK_SOCKET_FILTER,	/* no cgroup program: the socket's own SO_ATTACH_FILTER/BPF */
	WR_BLK_TC,		/* a tc filter or tcx program on the interface's ingress */
};

struct wr_blocker {
	enum wr_blocker_kind kind;
	bool looked;		/* bpf_blockers.c looked (false: the lane skipped it) */
	bool found;		/* a program is named below */
	char program[64];	/* BPF name (16 bytes), or a tc filter's name ("obj.o:[tc]") */
	uint32_t id;		/* BPF program id */
	uint32_t link_id;	/* its link's id, 0 when attached without one */
	char attach[96];	/* "tcx ingress", "tc ingress pref 49152", "cgroup ingress"... */
	char cgroup[256];	/* WR_BLK_CGROUP: the cgroup v2 path it is attached to */
	char cgroup_unit[64];	/* ... and the systemd unit that cgroup is ("api.service") */
	char device[16];	/* WR_BLK_TC: the interface */
	unsigned others;	/* more programs at the same point */
	/* Who holds it: /proc/PID/fdinfo's prog_id:/link_id:, as bpftool finds them. */
	uint32_t pid;		/* 0: no process holds it (pinned, or a tc filter's own) */
	bool holder_cut;	/* ... or the walk of /proc stopped before it was found */
	char comm[16];
	char unit[64];
	char container[96];
	char ns_prefix[160];	/* "ip netns exec NAME " or "nsenter -t PID -n ", quoted */
	char command[768];	/* what to run to look further or undo it */
	char owner[96];		/* rule_owners.c: "Cilium", "systemd (api.service)"... */
	char owner_command[256];	/* ... and its own command */
};

struct wr_refusal;
struct wr_listener;

/* systemd's IPAddressDeny=/IPAddressAllow= program ("sd_fw_ingress"). */
bool wr_blocker_is_systemd(const char *program);
/* The unit a cgroup v2 path is ("/system.slice/api.service" -> "api.service"), or false. */
bool wr_blocker_cgroup_unit(const char *cgroup, char *unit, size_t len);
/* "held by pid 812 (cilium-agent, cilium.service)", "held by no process (pinned)". */
void wr_blocker_holder(const struct wr_blocker *b, char *buf, size_t len);
/* JSON and text: "sk_lookup", "cgroup"... */
const char *wr_blocker_kind_name(enum wr_blocker_kind k);
/*
 * The kernel's lookup gave the SYN no socket though `l` would have taken
 * it: never "nothing listens". Sets the blocker (WR_BLK_LOOKUP until a
 * program is named) and its target, as facts.
 */
void wr_blocker_lookup_refused(struct wr_refusal *r, const struct wr_listener *l);
/* SOCKET_FILTER / TC_INGRESS: a blocker to look for; false when neither. */
bool wr_blocker_expected(struct wr_refusal *r, const struct wr_listener *target);
/* The explanation, hints and command from r->blocker (looked or not yet). */
void wr_blocker_tell(struct wr_refusal *r);
/* verdict.c: a blocker's words (wr_blocker_tell), NAT's clause kept where it was said. */
void wr_blocker_words(struct wr_refusal *r);

/* /proc/PID/fdinfo/FD's "prog_id:" and "link_id:" (0 when absent); false when neither. */
bool wr_fdinfo_bpf_ids(const char *text, uint32_t *prog_id, uint32_t *link_id);
/* Where cgroup2 is mounted, from /proc/self/mountinfo's text (octal escapes decoded). */
bool wr_cgroup2_mount(const char *mountinfo, char *dir, size_t len);
/* The cgroup v2 path ("0::/a/b") of /proc/PID/cgroup's text; false if none. */
bool wr_cgroup2_path(const char *proc_cgroup, char *path, size_t len);

#endif /* WR_BLOCKER_H */
