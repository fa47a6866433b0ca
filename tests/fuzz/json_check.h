/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A strict JSON checker for tests (RFC 8259): one value, then nothing; no raw
 * control bytes in strings; valid UTF-8 only (no overlongs, no surrogates).
 * Returns true when `s` is such a document.
 */
#ifndef WR_JSON_CHECK_H
#define WR_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

bool json_check(const char *s, size_t n);

#endif /* WR_JSON_CHECK_H */
