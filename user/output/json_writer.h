/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small streaming JSON writer into a growable buffer: one record is built
 * in memory and then written with one write, so a line is never torn.
 * Strings are escaped per RFC 8259 by one function, json_escape().
 */
#ifndef WR_JSON_WRITER_H
#define WR_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH 16

struct jw {
	char *buf;
	size_t len;
	size_t cap;
	int depth;
	bool first[JW_MAX_DEPTH];	/* no comma needed before the next item */
	bool after_key;
	bool failed;			/* out of memory or misuse: the record is void */
};

void jw_init(struct jw *w);
void jw_reset(struct jw *w);
void jw_free(struct jw *w);

void jw_object_begin(struct jw *w);
void jw_object_end(struct jw *w);
void jw_array_begin(struct jw *w);
void jw_array_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_string(struct jw *w, const char *s);
void jw_string_n(struct jw *w, const char *s, size_t n);
void jw_uint(struct jw *w, uint64_t v);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);

void jw_field_string(struct jw *w, const char *key, const char *s);
void jw_field_uint(struct jw *w, const char *key, uint64_t v);
void jw_field_int(struct jw *w, const char *key, int64_t v);
void jw_field_bool(struct jw *w, const char *key, bool v);

/* The finished text (no trailing newline), or NULL if the record failed. */
const char *jw_result(struct jw *w);

/*
 * Appends `s[0..n)` to `w` as the inside of a JSON string: `"` and `\`
 * escaped, every byte below 0x20 and DEL as \u00XX (\n, \t... in short
 * form), the other characters that act on a terminal (C1, bidi controls,
 * U+2028/2029: utf8.h) as \uXXXX, and each byte that is not part of valid
 * UTF-8 as U+FFFD.
 */
void json_escape(struct jw *w, const char *s, size_t n);

#endif /* WR_JSON_WRITER_H */
