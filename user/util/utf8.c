// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "utf8.h"

/*
 * The lead byte gives the length and the range its second byte must be in
 * (RFC 3629's table): that one check rules out overlong forms, surrogates
 * and code points past U+10FFFF.
 */
size_t wr_utf8_next(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;
	uint32_t c;

	if (!n)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* below: overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* above: U+D800-DFFF, surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;	/* below: overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* above: past U+10FFFF */
	} else {
		return 0;	/* a continuation byte, C0/C1 (overlong), F5-FF */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	*cp = c;
	return len;
}

bool wr_utf8_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||	/* C0, DEL, C1 */
	       (cp >= 0x2028 && cp <= 0x202e) ||		/* separators, bidi */
	       (cp >= 0x2066 && cp <= 0x2069);			/* bidi isolates */
}
