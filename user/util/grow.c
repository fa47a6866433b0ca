// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "grow.h"

#include <errno.h>
#include <stdlib.h>

int wr_grow(void **v, size_t *cap, size_t n, size_t elem_size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 32;
	nv = realloc(*v, ncap * elem_size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}
