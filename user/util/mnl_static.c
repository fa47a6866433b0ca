// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The part of libmnl's API that libnftnl and nft_flow_trace.c call, for the
 * static build only: Debian 12 ships libnftnl.a but no libmnl.a, and its
 * source package is not on the mirror. Netlink framing as in
 * linux/netlink.h: 4-byte aligned headers and attributes. The dynamic build
 * links the real libmnl.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

/* --- sockets --------------------------------------------------------- */

struct mnl_socket {
	int fd;
	struct sockaddr_nl addr;
};

static struct mnl_socket *socket_from_fd(int fd)
{
	struct mnl_socket *nl = calloc(1, sizeof(*nl));
	socklen_t len = sizeof(struct sockaddr_nl);

	if (!nl)
		return NULL;
	nl->fd = fd;
	if (getsockname(fd, (struct sockaddr *)&nl->addr, &len) < 0) {
		free(nl);
		return NULL;
	}
	return nl;
}

struct mnl_socket *mnl_socket_open(int bus)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, bus);
	struct mnl_socket *nl;

	if (fd < 0)
		return NULL;
	nl = socket_from_fd(fd);
	if (!nl)
		close(fd);
	return nl;
}

struct mnl_socket *mnl_socket_fdopen(int fd)
{
	return socket_from_fd(fd);
}

int mnl_socket_bind(struct mnl_socket *nl, unsigned int groups, pid_t pid)
{
	socklen_t len = sizeof(nl->addr);

	nl->addr.nl_family = AF_NETLINK;
	nl->addr.nl_groups = groups;
	nl->addr.nl_pid = (uint32_t)pid;
	if (bind(nl->fd, (struct sockaddr *)&nl->addr, sizeof(nl->addr)) < 0)
		return -1;
	/* The kernel picks the port id when pid is MNL_SOCKET_AUTOPID. */
	if (getsockname(nl->fd, (struct sockaddr *)&nl->addr, &len) < 0)
		return -1;
	if (len != sizeof(nl->addr) || nl->addr.nl_family != AF_NETLINK) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int mnl_socket_close(struct mnl_socket *nl)
{
	int ret = close(nl->fd);

	free(nl);
	return ret;
}

int mnl_socket_get_fd(const struct mnl_socket *nl)
{
	return nl->fd;
}

unsigned int mnl_socket_get_portid(const struct mnl_socket *nl)
{
	return nl->addr.nl_pid;
}

ssize_t mnl_socket_sendto(const struct mnl_socket *nl, const void *req, size_t siz)
{
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	return sendto(nl->fd, req, siz, 0, (const struct sockaddr *)&kernel, sizeof(kernel));
}

ssize_t mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t siz)
{
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = buf, .iov_len = siz };
	struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from),
			      .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(nl->fd, &msg, 0);

	if (n < 0)
		return n;
	if (msg.msg_flags & MSG_TRUNC) {
		errno = ENOSPC;
		return -1;
	}
	if (msg.msg_namelen != sizeof(from)) {
		errno = EINVAL;
		return -1;
	}
	return n;
}

/* --- messages -------------------------------------------------------- */

struct nlmsghdr *mnl_nlmsg_put_header(void *buf)
{
	struct nlmsghdr *nlh = buf;

	memset(buf, 0, MNL_NLMSG_HDRLEN);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
	return nlh;
}

void *mnl_nlmsg_put_extra_header(struct nlmsghdr *nlh, size_t size)
{
	char *p = (char *)nlh + nlh->nlmsg_len;

	nlh->nlmsg_len += MNL_ALIGN(size);
	memset(p, 0, MNL_ALIGN(size));
	return p;
}

void *mnl_nlmsg_get_payload(const struct nlmsghdr *nlh)
{
	return (char *)nlh + MNL_NLMSG_HDRLEN;
}

bool mnl_nlmsg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(struct nlmsghdr) &&
	       nlh->nlmsg_len >= sizeof(struct nlmsghdr) && (int)nlh->nlmsg_len <= len;
}

struct nlmsghdr *mnl_nlmsg_next(const struct nlmsghdr *nlh, int *len)
{
	*len -= (int)MNL_ALIGN(nlh->nlmsg_len);
	return (struct nlmsghdr *)((char *)nlh + MNL_ALIGN(nlh->nlmsg_len));
}

/* --- batches: several messages sent as one ---------------------------- */

struct mnl_nlmsg_batch {
	char *buf;
	size_t limit;
	size_t len;
	bool overflow;
};

struct mnl_nlmsg_batch *mnl_nlmsg_batch_start(void *buf, size_t limit)
{
	struct mnl_nlmsg_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->buf = buf;
	b->limit = limit;
	return b;
}

bool mnl_nlmsg_batch_next(struct mnl_nlmsg_batch *b)
{
	struct nlmsghdr *cur = (struct nlmsghdr *)(b->buf + b->len);

	if (b->len + cur->nlmsg_len > b->limit) {
		b->overflow = true;
		return false;
	}
	b->len += cur->nlmsg_len;
	return true;
}

void mnl_nlmsg_batch_stop(struct mnl_nlmsg_batch *b)
{
	free(b);
}

size_t mnl_nlmsg_batch_size(struct mnl_nlmsg_batch *b)
{
	return b->len;
}

void *mnl_nlmsg_batch_head(struct mnl_nlmsg_batch *b)
{
	return b->buf;
}

void *mnl_nlmsg_batch_current(struct mnl_nlmsg_batch *b)
{
	return b->buf + b->len;
}

bool mnl_nlmsg_batch_is_empty(struct mnl_nlmsg_batch *b)
{
	return b->len == 0;
}

/* --- attributes ------------------------------------------------------ */

uint16_t mnl_attr_get_type(const struct nlattr *attr)
{
	return attr->nla_type & NLA_TYPE_MASK;
}

uint16_t mnl_attr_get_payload_len(const struct nlattr *attr)
{
	return (uint16_t)(attr->nla_len - MNL_ATTR_HDRLEN);
}

void *mnl_attr_get_payload(const struct nlattr *attr)
{
	return (char *)attr + MNL_ATTR_HDRLEN;
}

/* Payloads are only 4-byte aligned: copy rather than dereference a u64. */
uint8_t mnl_attr_get_u8(const struct nlattr *attr)
{
	return *(const uint8_t *)mnl_attr_get_payload(attr);
}

uint16_t mnl_attr_get_u16(const struct nlattr *attr)
{
	uint16_t v;

	memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
	return v;
}

uint32_t mnl_attr_get_u32(const struct nlattr *attr)
{
	uint32_t v;

	memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
	return v;
}

uint64_t mnl_attr_get_u64(const struct nlattr *attr)
{
	uint64_t v;

	memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
	return v;
}

const char *mnl_attr_get_str(const struct nlattr *attr)
{
	return mnl_attr_get_payload(attr);
}

bool mnl_attr_ok(const struct nlattr *attr, int len)
{
	return len >= (int)sizeof(struct nlattr) && attr->nla_len >= sizeof(struct nlattr) &&
	       (int)attr->nla_len <= len;
}

struct nlattr *mnl_attr_next(const struct nlattr *attr)
{
	return (struct nlattr *)((char *)attr + MNL_ALIGN(attr->nla_len));
}

int mnl_attr_type_valid(const struct nlattr *attr, uint16_t max)
{
	if (mnl_attr_get_type(attr) > max) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return 1;
}

int mnl_attr_validate(const struct nlattr *attr, enum mnl_attr_data_type type)
{
	static const size_t fixed[MNL_TYPE_MAX] = {
		[MNL_TYPE_U8] = 1, [MNL_TYPE_U16] = 2, [MNL_TYPE_U32] = 4,
		[MNL_TYPE_U64] = 8, [MNL_TYPE_MSECS] = 8,
	};
	size_t len = mnl_attr_get_payload_len(attr);
	const char *p = mnl_attr_get_payload(attr);

	if (type >= MNL_TYPE_MAX) {
		errno = EINVAL;
		return -1;
	}
	switch (type) {
	case MNL_TYPE_FLAG:
		if (len)
			goto range;
		return 0;
	case MNL_TYPE_STRING:
		if (!len)
			goto range;
		return 0;
	case MNL_TYPE_NUL_STRING:
		if (!len || p[len - 1] != '\0')
			goto range;
		return 0;
	case MNL_TYPE_NESTED:
		if (len && len < MNL_ATTR_HDRLEN)
			goto range;
		return 0;
	default:
		if (fixed[type] && len < fixed[type])
			goto range;
		return 0;
	}
range:
	errno = ERANGE;
	return -1;
}

static int parse_attrs(const void *payload, size_t len, mnl_attr_cb_t cb, void *data)
{
	const struct nlattr *attr = payload;
	int remain = (int)len, ret = MNL_CB_OK;

	while (mnl_attr_ok(attr, remain)) {
		ret = cb(attr, data);
		if (ret <= MNL_CB_STOP)
			return ret;
		remain -= (int)MNL_ALIGN(attr->nla_len);
		attr = mnl_attr_next(attr);
	}
	return ret;
}

int mnl_attr_parse(const struct nlmsghdr *nlh, unsigned int offset, mnl_attr_cb_t cb, void *data)
{
	size_t start = MNL_NLMSG_HDRLEN + MNL_ALIGN(offset);

	if (nlh->nlmsg_len < start)
		return MNL_CB_OK;
	return parse_attrs((const char *)nlh + start, nlh->nlmsg_len - start, cb, data);
}

int mnl_attr_parse_nested(const struct nlattr *nested, mnl_attr_cb_t cb, void *data)
{
	return parse_attrs(mnl_attr_get_payload(nested), mnl_attr_get_payload_len(nested), cb,
			   data);
}

void mnl_attr_put(struct nlmsghdr *nlh, uint16_t type, size_t len, const void *data)
{
	struct nlattr *attr = (struct nlattr *)((char *)nlh + MNL_ALIGN(nlh->nlmsg_len));
	size_t payload = MNL_ALIGN(len);

	attr->nla_type = type;
	attr->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + len);
	memcpy(mnl_attr_get_payload(attr), data, len);
	memset((char *)mnl_attr_get_payload(attr) + len, 0, payload - len);
	nlh->nlmsg_len = MNL_ALIGN(nlh->nlmsg_len) + MNL_ATTR_HDRLEN + (uint32_t)payload;
}

void mnl_attr_put_u8(struct nlmsghdr *nlh, uint16_t type, uint8_t v)
{
	mnl_attr_put(nlh, type, sizeof(v), &v);
}

void mnl_attr_put_u16(struct nlmsghdr *nlh, uint16_t type, uint16_t v)
{
	mnl_attr_put(nlh, type, sizeof(v), &v);
}

void mnl_attr_put_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t v)
{
	mnl_attr_put(nlh, type, sizeof(v), &v);
}

void mnl_attr_put_u64(struct nlmsghdr *nlh, uint16_t type, uint64_t v)
{
	mnl_attr_put(nlh, type, sizeof(v), &v);
}

void mnl_attr_put_str(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	mnl_attr_put(nlh, type, strlen(s), s);
}

void mnl_attr_put_strz(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	mnl_attr_put(nlh, type, strlen(s) + 1, s);
}

struct nlattr *mnl_attr_nest_start(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *start = (struct nlattr *)((char *)nlh + MNL_ALIGN(nlh->nlmsg_len));

	start->nla_type = NLA_F_NESTED | type;
	nlh->nlmsg_len = MNL_ALIGN(nlh->nlmsg_len) + MNL_ATTR_HDRLEN;
	return start;
}

void mnl_attr_nest_end(struct nlmsghdr *nlh, struct nlattr *start)
{
	start->nla_len = (uint16_t)((char *)nlh + nlh->nlmsg_len - (char *)start);
}

/* --- dispatch of received messages ------------------------------------ */

int mnl_cb_run(const void *buf, size_t numbytes, unsigned int seq, unsigned int portid,
	       mnl_cb_t cb, void *data)
{
	const struct nlmsghdr *nlh = buf;
	int len = (int)numbytes, ret = MNL_CB_OK;

	while (mnl_nlmsg_ok(nlh, len)) {
		if ((portid && nlh->nlmsg_pid && nlh->nlmsg_pid != portid) ||
		    (seq && nlh->nlmsg_seq && nlh->nlmsg_seq != seq)) {
			errno = ESRCH;
			return -1;
		}
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
			errno = EINTR;
			return -1;
		}
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
			if (cb) {
				ret = cb(nlh, data);
				if (ret <= MNL_CB_STOP)
					return ret;
			}
		} else if (nlh->nlmsg_type == NLMSG_DONE) {
			return MNL_CB_STOP;
		} else if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e)) {
				errno = EBADMSG;
				return -1;
			}
			if (!e->error)
				return MNL_CB_STOP;	/* an acknowledgement */
			/* A kernel errno is -1..-4095; negating INT_MIN is undefined. */
			errno = e->error < 0 && e->error >= -4095 ? -e->error : EPROTO;
			return -1;
		}
		nlh = mnl_nlmsg_next(nlh, &len);
	}
	return ret;
}
