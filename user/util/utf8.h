/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one reading of UTF-8 (RFC 3629) for every output: the JSON writer and
 * the text output agree on which bytes form a character, which are replaced
 * (each byte of an invalid sequence), and which characters act on a
 * terminal instead of showing. Pure.
 */
#ifndef WR_UTF8_H
#define WR_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The length (1-4) of the character that starts s[0..n), its code point in
 * *cp; 0 when s[0] starts none: a stray continuation byte, an overlong
 * form, a UTF-16 surrogate, a code point past U+10FFFF, or a sequence that
 * is cut short (by another byte or by n).
 */
size_t wr_utf8_next(const char *s, size_t n, uint32_t *cp);

/*
 * Does this character act on a terminal instead of showing? C0 controls,
 * DEL and C1 controls (U+0080-009F: U+009B is CSI, U+009D OSC), the bidi
 * embeddings, overrides and isolates (U+202A-202E, U+2066-2069: they
 * reorder what follows, "Trojan Source"), and the line and paragraph
 * separators (U+2028, U+2029), where some viewers start a new line.
 */
bool wr_utf8_is_control(uint32_t cp);

#endif /* WR_UTF8_H */
