/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the harnesses share: the fuzzer's bytes as a parser takes them. */
#ifndef WR_FUZZ_INPUT_H
#define WR_FUZZ_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A NUL-terminated copy, for parsers of text (free it). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/*
 * An exact-size, malloc-aligned copy, for parsers of binary messages: a
 * read one byte past the end is one ASan sees (libFuzzer's own buffer is
 * not aligned for struct nlmsghdr).
 */
static inline void *fuzz_bytes(const uint8_t *data, size_t size)
{
	void *b = malloc(size ? size : 1);

	if (b)
		memcpy(b, data, size);
	return b;
}

#endif /* WR_FUZZ_INPUT_H */
