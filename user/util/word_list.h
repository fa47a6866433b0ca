/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A short space-separated list of names, each once, in a fixed buffer. Pure. */
#ifndef WR_WORD_LIST_H
#define WR_WORD_LIST_H

#include <stdbool.h>
#include <stddef.h>

/* Is `word` (`n` bytes, not terminated) in `list`? */
bool wr_words_has(const char *list, const char *word, size_t n);
/* Appends `word` unless present; a word that does not fit is left out. */
void wr_words_add(char *list, size_t len, const char *word, size_t n);

#endif /* WR_WORD_LIST_H */
