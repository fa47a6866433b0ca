// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "json_read.h"

#include <ctype.h>
#include <string.h>

const char *wr_json_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Past the string that starts at p, or NULL. */
const char *wr_json_skip_string(const char *p, const char *end)
{
	if (p >= end || *p != '"')
		return NULL;
	for (p++; p < end; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '"')
			return p + 1;
		if (*p == '\\' && ++p == end)
			return NULL;
	}
	return NULL;
}

/* Past the value that starts at p, objects and arrays whole, or NULL. */
const char *wr_json_skip_value(const char *p, const char *end)
{
	size_t depth = 0;

	do {
		p = wr_json_ws(p, end);
		if (p >= end)
			return NULL;
		switch (*p) {
		case '"':
			p = wr_json_skip_string(p, end);
			if (!p)
				return NULL;
			break;
		case '{':
		case '[':
			depth++;
			p++;
			break;
		case '}':
		case ']':
			if (!depth)
				return NULL;
			depth--;
			p++;
			break;
		case ',':
		case ':':
			if (!depth)
				return NULL;
			p++;
			break;
		default:	/* a number, true, false or null */
			if (!isdigit((unsigned char)*p) && !strchr("-tfn", *p))
				return NULL;
			while (p < end && (isalnum((unsigned char)*p) || strchr("+-.", *p)))
				p++;
		}
	} while (depth);
	return p;
}

static int hex_digit(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

/*
 * The string at p, unescaped into out; past it, or NULL: too long, or with
 * a control byte or an escape beyond ASCII (no container name has either).
 */
const char *wr_json_string(const char *p, const char *end, char *out, size_t len)
{
	size_t n = 0;

	if (p >= end || *p != '"' || !len)
		return NULL;
	for (p++; p < end; p++) {
		unsigned int c = (unsigned char)*p;

		if (c == '"') {
			out[n] = '\0';
			return p + 1;
		}
		if (c == '\\') {
			if (++p == end)
				return NULL;
			c = (unsigned char)*p;
			if (c == 'u') {
				if (end - p < 5 || !isxdigit((unsigned char)p[1]) ||
				    !isxdigit((unsigned char)p[2]) || !isxdigit((unsigned char)p[3]) ||
				    !isxdigit((unsigned char)p[4]))
					return NULL;
				c = (unsigned int)(hex_digit(p[1]) << 12 | hex_digit(p[2]) << 8 |
						   hex_digit(p[3]) << 4 | hex_digit(p[4]));
				p += 4;
				if (c >= 0x80)
					return NULL;
			} else if (c != '"' && c != '\\' && c != '/') {
				return NULL;	/* \b \f \n \r \t */
			}
		}
		if (c < 0x20 || n + 1 >= len)
			return NULL;
		out[n++] = (char)c;
	}
	return NULL;
}

/* Where the value of member `key` of the object at p starts (its own members only), or NULL. */
const char *wr_json_member(const char *p, const char *end, const char *key)
{
	char k[32];
	const char *q;
	bool match;

	p = wr_json_ws(p, end);
	if (p >= end || *p != '{')
		return NULL;
	p = wr_json_ws(p + 1, end);
	for (;;) {
		q = wr_json_skip_string(p, end);
		if (!q)
			return NULL;	/* '}' included: no such member */
		match = wr_json_string(p, q, k, sizeof(k)) && !strcmp(k, key);
		p = wr_json_ws(q, end);
		if (p >= end || *p != ':')
			return NULL;
		p = wr_json_ws(p + 1, end);
		if (match)
			return p;
		p = wr_json_skip_value(p, end);
		if (!p)
			return NULL;
		p = wr_json_ws(p, end);
		if (p >= end || *p != ',')
			return NULL;
		p = wr_json_ws(p + 1, end);
	}
}

bool wr_json_each_member(const char *p, const char *end,
			 bool (*fn)(const char *key, const char *value, const char *end, void *arg),
			 void *arg)
{
	char k[128];
	const char *q;

	p = wr_json_ws(p, end);
	if (p >= end || *p != '{')
		return false;
	p = wr_json_ws(p + 1, end);
	if (p < end && *p == '}')
		return true;
	for (;;) {
		q = wr_json_skip_string(p, end);
		if (!q)
			return false;
		if (!wr_json_string(p, q, k, sizeof(k)))
			k[0] = '\0';	/* a key too long or odd for us: its value still counts */
		p = wr_json_ws(q, end);
		if (p >= end || *p != ':')
			return false;
		p = wr_json_ws(p + 1, end);
		if (!fn(k, p, end, arg))
			return true;
		p = wr_json_skip_value(p, end);
		if (!p)
			return false;
		p = wr_json_ws(p, end);
		if (p < end && *p == '}')
			return true;
		if (p >= end || *p != ',')
			return false;
		p = wr_json_ws(p + 1, end);
	}
}

bool wr_json_is_true(const char *p, const char *end)
{
	return p && end - p >= 4 && !memcmp(p, "true", 4) &&
	       (end - p == 4 || !isalnum((unsigned char)p[4]));
}
