// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "metrics_request.h"

#include <stdbool.h>
#include <string.h>

/* RFC 9110's tchar, in ASCII whatever the locale. */
static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_token(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_tchar((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* Origin form only ("/path?query"): visible ASCII, no space, no control byte. */
static bool is_target(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return n > 0 && s[0] == '/';
}

static bool is_path(const char *target, size_t n, const char *path)
{
	const char *q = memchr(target, '?', n);
	size_t len = q ? (size_t)(q - target) : n;

	return len == strlen(path) && !memcmp(target, path, len);
}

/* "METHOD SP TARGET SP HTTP/1.x", the line's end (CR)LF already cut off. */
static enum wr_request judge_request_line(const char *l, size_t n)
{
	const char *end = l + n, *sp1, *sp2, *target;

	sp1 = memchr(l, ' ', n);
	if (!sp1 || !is_token(l, (size_t)(sp1 - l)))
		return WR_REQ_BAD;
	target = sp1 + 1;
	sp2 = memchr(target, ' ', (size_t)(end - target));
	if (!sp2 || !is_target(target, (size_t)(sp2 - target)))
		return WR_REQ_BAD;
	if (end - (sp2 + 1) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) || sp2[8] < '0' || sp2[8] > '9')
		return WR_REQ_BAD;
	if (sp1 - l != 3 || memcmp(l, "GET", 3))
		return WR_REQ_BAD_METHOD;
	if (is_path(target, (size_t)(sp2 - target), "/metrics") ||
	    is_path(target, (size_t)(sp2 - target), "/"))
		return WR_REQ_METRICS;
	return WR_REQ_NOT_FOUND;
}

/* Is there an empty line (LF LF, or LF CR LF) from `from` on: the head's end? */
static bool head_ended(const char *buf, size_t from, size_t len)
{
	const char *p = buf + from, *end = buf + len, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		if (nl == p || (nl == p + 1 && *p == '\r'))
			return true;
		p = nl + 1;
	}
	return false;
}

enum wr_request wr_request_parse(const char *buf, size_t len)
{
	enum wr_request verdict;
	const char *nl;
	size_t line;

	if (len > WR_REQ_HEAD_MAX)
		len = WR_REQ_HEAD_MAX;
	nl = len ? memchr(buf, '\n', len) : NULL;
	if (!nl)
		return len >= WR_REQ_HEAD_MAX ? WR_REQ_BAD : WR_REQ_INCOMPLETE;
	line = (size_t)(nl - buf);
	if (line && buf[line - 1] == '\r')
		line--;
	/* A bad request line is answered at once, without waiting for the rest. */
	verdict = judge_request_line(buf, line);
	if (verdict == WR_REQ_BAD)
		return WR_REQ_BAD;
	/* Headers are not needed, but read to their end: then close() sends no RST. */
	if (head_ended(buf, (size_t)(nl - buf) + 1, len))
		return verdict;
	return len >= WR_REQ_HEAD_MAX ? WR_REQ_BAD : WR_REQ_INCOMPLETE;
}
