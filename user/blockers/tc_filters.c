// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "tc_filters.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

size_t wr_tc_filter_request(void *buf, size_t len, uint32_t ifindex, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct tcmsg *tc;

	if (len < MNL_NLMSG_HDRLEN + sizeof(*tc))
		return 0;
	memset(buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*tc)));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETTFILTER;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	tc = mnl_nlmsg_put_extra_header(nlh, sizeof(*tc));
	tc->tcm_family = AF_UNSPEC;
	tc->tcm_ifindex = (int)ifindex;
	tc->tcm_parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS);
	return nlh->nlmsg_len;
}

struct attrs {
	const struct nlattr *kind, *options;
};

static int top_attr(const struct nlattr *a, void *data)
{
	struct attrs *t = data;

	if (mnl_attr_get_type(a) == TCA_KIND && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		t->kind = a;
	else if (mnl_attr_get_type(a) == TCA_OPTIONS && mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
		t->options = a;
	return MNL_CB_OK;
}

static int bpf_attr(const struct nlattr *a, void *data)
{
	struct wr_tc_filter *f = data;

	switch (mnl_attr_get_type(a)) {
	case TCA_BPF_ID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			f->prog_id = mnl_attr_get_u32(a);
		break;
	case TCA_BPF_NAME:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(f->name, sizeof(f->name), "%s", mnl_attr_get_str(a));
		break;
	case TCA_BPF_FLAGS:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			f->direct_action = mnl_attr_get_u32(a) & TCA_BPF_FLAG_ACT_DIRECT;
		break;
	}
	return MNL_CB_OK;
}

int wr_tc_filters_parse(const void *buf, size_t len, uint32_t seq, struct wr_tc_filter *out,
			size_t max, size_t *n)
{
	const struct nlmsghdr *nlh = buf;
	int left = len > INT32_MAX ? INT32_MAX : (int)len;

	/* mnl_nlmsg_ok takes an nlmsg_len over 2 GB for a negative one: checked unsigned too. */
	for (; mnl_nlmsg_ok(nlh, left) && nlh->nlmsg_len <= (uint32_t)left;
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		struct wr_tc_filter f = { 0 };
		struct attrs t = { 0 };
		const struct tcmsg *tc;

		if (nlh->nlmsg_seq != seq) {
			errno = EPROTO;
			return -1;
		}
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e)) {
				errno = EPROTO;
				return -1;
			}
			if (!e->error)
				return 1;
			/* A kernel errno is -1..-4095; anything else (INT_MIN too) is not one. */
			errno = e->error < 0 && e->error >= -4095 ? -e->error : EPROTO;
			return -1;
		}
		if (nlh->nlmsg_type != RTM_NEWTFILTER ||
		    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*tc)))
			continue;
		tc = mnl_nlmsg_get_payload(nlh);
		if (mnl_attr_parse(nlh, sizeof(*tc), top_attr, &t) < 0 || !t.kind || !t.options ||
		    strcmp(mnl_attr_get_str(t.kind), "bpf"))
			continue;
		if (mnl_attr_parse_nested(t.options, bpf_attr, &f) < 0)
			continue;
		f.prio = tc->tcm_info >> 16;
		f.handle = tc->tcm_handle;
		if (*n < max)
			out[(*n)++] = f;
	}
	return 0;
}
