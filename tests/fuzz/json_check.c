// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "json_check.h"

#include <string.h>

struct cur {
	const unsigned char *p, *end;
	int depth;
};

static void ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

/* One UTF-8 sequence starting at c->p (a lead byte >= 0x80). */
static bool utf8(struct cur *c)
{
	unsigned char b = *c->p;
	unsigned cp, need, min;

	if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; min = 0x80; }
	else if (b >= 0xe0 && b <= 0xef) { need = 2; cp = b & 0x0f; min = 0x800; }
	else if (b >= 0xf0 && b <= 0xf4) { need = 3; cp = b & 0x07; min = 0x10000; }
	else return false;
	if (c->end - c->p <= (long)need)
		return false;
	for (unsigned i = 1; i <= need; i++) {
		if ((c->p[i] & 0xc0) != 0x80)
			return false;
		cp = cp << 6 | (c->p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	c->p += need + 1;
	return true;
}

static bool string(struct cur *c)
{
	c->p++;	/* opening quote */
	while (c->p < c->end) {
		unsigned char b = *c->p;

		if (b == '"') {
			c->p++;
			return true;
		}
		if (b < 0x20)
			return false;
		if (b == '\\') {
			if (++c->p >= c->end)
				return false;
			if (*c->p == 'u') {
				if (c->end - c->p < 5)
					return false;
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", c->p[i]) || !c->p[i])
						return false;
				c->p += 5;
			} else if (strchr("\"\\/bfnrt", *c->p) && *c->p) {
				c->p++;
			} else {
				return false;
			}
		} else if (b >= 0x80) {
			if (!utf8(c))
				return false;
		} else {
			c->p++;
		}
	}
	return false;
}

static bool digits(struct cur *c)
{
	const unsigned char *start = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return c->p > start;
}

static bool number(struct cur *c)
{
	if (*c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0')
		c->p++;
	else if (!digits(c))
		return false;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (!digits(c))
			return false;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (!digits(c))
			return false;
	}
	return true;
}

static bool literal(struct cur *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n))
		return false;
	c->p += n;
	return true;
}

static bool value(struct cur *c);

static bool members(struct cur *c, char close, bool keyed)
{
	if (++c->depth > 64)
		return false;
	c->p++;
	ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		c->depth--;
		return true;
	}
	for (;;) {
		ws(c);
		if (keyed) {
			if (c->p >= c->end || *c->p != '"' || !string(c))
				return false;
			ws(c);
			if (c->p >= c->end || *c->p++ != ':')
				return false;
		}
		if (!value(c))
			return false;
		ws(c);
		if (c->p >= c->end)
			return false;
		if (*c->p == close) {
			c->p++;
			c->depth--;
			return true;
		}
		if (*c->p++ != ',')
			return false;
	}
}

static bool value(struct cur *c)
{
	ws(c);
	if (c->p >= c->end)
		return false;
	switch (*c->p) {
	case '{': return members(c, '}', true);
	case '[': return members(c, ']', false);
	case '"': return string(c);
	case 't': return literal(c, "true");
	case 'f': return literal(c, "false");
	case 'n': return literal(c, "null");
	default: return (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) && number(c);
	}
}

bool json_check(const char *s, size_t n)
{
	struct cur c = { (const unsigned char *)s, (const unsigned char *)s + n, 0 };

	if (!value(&c))
		return false;
	ws(&c);
	return c.p == c.end;
}
