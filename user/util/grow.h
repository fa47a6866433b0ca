/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Room for one more element in a realloc'ed array (doubling, 32 at first). */
#ifndef WR_GROW_H
#define WR_GROW_H

#include <stddef.h>

/* Returns 0 when v[n] may be written, -ENOMEM otherwise (v unchanged). */
int wr_grow(void **v, size_t *cap, size_t n, size_t elem_size);

#endif /* WR_GROW_H */
