/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The BPF filters on an interface's clsact ingress (what `tc filter show
 * dev DEV ingress` lists): the rtnetlink dump request and its parser, pure
 * (bpf_blockers.c sends it inside the interface's namespace).
 */
#ifndef WR_TC_FILTERS_H
#define WR_TC_FILTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wr_tc_filter {
	uint32_t prio;		/* tc's "pref" */
	uint32_t handle;
	uint32_t prog_id;	/* 0 when the kernel did not say */
	char name[64];		/* tc's name for it: "blockers.bpf.o:[tc]" */
	bool direct_action;	/* da: the program's verdict is the filter's */
};

/* The request into buf (at least 64 bytes); its length. */
size_t wr_tc_filter_request(void *buf, size_t len, uint32_t ifindex, uint32_t seq);
/*
 * One datagram of the reply: its bpf filters appended to out[*n] (at most
 * max). 1 at the dump's end, 0 when more is to come, -1 for an error
 * reply (errno set) or a message that is not the dump's.
 */
int wr_tc_filters_parse(const void *buf, size_t len, uint32_t seq, struct wr_tc_filter *out,
			size_t max, size_t *n);

#endif /* WR_TC_FILTERS_H */
