// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "json_writer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void jw_init(struct jw *w)
{
	memset(w, 0, sizeof(*w));
	w->first[0] = true;
}

void jw_reset(struct jw *w)
{
	char *buf = w->buf;
	size_t cap = w->cap;

	jw_init(w);
	w->buf = buf;
	w->cap = cap;
	if (buf)
		buf[0] = '\0';
}

void jw_free(struct jw *w)
{
	free(w->buf);
	jw_init(w);
}

static bool jw_reserve(struct jw *w, size_t extra)
{
	size_t need = w->len + extra + 1;
	char *nbuf;
	size_t ncap;

	if (w->failed)
		return false;
	if (need <= w->cap)
		return true;
	ncap = w->cap ? w->cap : 256;
	while (ncap < need)
		ncap *= 2;
	nbuf = realloc(w->buf, ncap);
	if (!nbuf) {
		w->failed = true;
		return false;
	}
	w->buf = nbuf;
	w->cap = ncap;
	return true;
}

static void jw_raw(struct jw *w, const char *s, size_t n)
{
	if (!jw_reserve(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void jw_rawc(struct jw *w, char c)
{
	jw_raw(w, &c, 1);
}

/* Comma and nesting bookkeeping before any value or key. */
static void jw_before_value(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		jw_rawc(w, ',');
	w->first[w->depth] = false;
}

static void jw_open(struct jw *w, char c)
{
	jw_before_value(w);
	if (w->depth + 1 >= JW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	jw_rawc(w, c);
	w->first[++w->depth] = true;
}

static void jw_close(struct jw *w, char c)
{
	if (w->depth == 0 || w->after_key) {
		w->failed = true;
		return;
	}
	w->depth--;
	jw_rawc(w, c);
}

void jw_object_begin(struct jw *w) { jw_open(w, '{'); }
void jw_object_end(struct jw *w) { jw_close(w, '}'); }
void jw_array_begin(struct jw *w) { jw_open(w, '['); }
void jw_array_end(struct jw *w) { jw_close(w, ']'); }

void jw_key(struct jw *w, const char *key)
{
	jw_before_value(w);
	jw_rawc(w, '"');
	json_escape(w, key, strlen(key));
	jw_raw(w, "\":", 2);
	w->after_key = true;
}

void json_escape(struct jw *w, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		char esc[8];
		size_t len, run;
		uint32_t cp;

		/* Plain printable ASCII, the usual case: one copy per run. */
		for (run = i; run < n && s[run] >= 0x20 && s[run] < 0x7f && s[run] != '"' &&
			      s[run] != '\\'; run++)
			;
		if (run > i) {
			jw_raw(w, (const char *)s + i, run - i);
			i = run;
			continue;
		}
		switch (c) {
		case '"':  jw_raw(w, "\\\"", 2); i++; continue;
		case '\\': jw_raw(w, "\\\\", 2); i++; continue;
		case '\n': jw_raw(w, "\\n", 2); i++; continue;
		case '\r': jw_raw(w, "\\r", 2); i++; continue;
		case '\t': jw_raw(w, "\\t", 2); i++; continue;
		case '\b': jw_raw(w, "\\b", 2); i++; continue;
		case '\f': jw_raw(w, "\\f", 2); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			jw_raw(w, esc, 6);
			i++;
			continue;
		}
		len = wr_utf8_next((const char *)s + i, n - i, &cp);
		if (len == 0) {
			jw_raw(w, "\\ufffd", 6);
			i++;
			continue;
		}
		/*
		 * C1 and bidi controls, line separators: valid, kept, but as
		 * \uXXXX. A JSON reader gets the same string; a person who
		 * tails the file on a terminal sees text, not a CSI or text
		 * reordered (the JSON lines are read on terminals too).
		 */
		if (wr_utf8_is_control(cp)) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
			jw_raw(w, esc, 6);
		} else {
			jw_raw(w, (const char *)s + i, len);
		}
		i += len;
	}
}

void jw_string_n(struct jw *w, const char *s, size_t n)
{
	jw_before_value(w);
	jw_rawc(w, '"');
	json_escape(w, s, n);
	jw_rawc(w, '"');
}

void jw_string(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_string_n(w, s, strlen(s));
}

void jw_uint(struct jw *w, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRIu64, v);

	jw_before_value(w);
	jw_raw(w, num, (size_t)n);
}

void jw_int(struct jw *w, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRId64, v);

	jw_before_value(w);
	jw_raw(w, num, (size_t)n);
}

void jw_bool(struct jw *w, bool v)
{
	jw_before_value(w);
	jw_raw(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w)
{
	jw_before_value(w);
	jw_raw(w, "null", 4);
}

void jw_field_string(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_string(w, s);
}

void jw_field_uint(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_uint(w, v);
}

void jw_field_int(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void jw_field_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

const char *jw_result(struct jw *w)
{
	if (w->failed || w->depth != 0 || w->after_key)
		return NULL;
	if (!w->buf) {
		if (!jw_reserve(w, 0))
			return NULL;
		w->buf[0] = '\0';
	}
	return w->buf;
}
