// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The kernel's BTF is parsed twice before the BPF object is loaded: by us
 * (the hook plan) and by libbpf (CO-RE, attach targets), ~12 MB each time
 * (libbpf 1.1 takes no parsed BTF from its caller). glibc serves blocks
 * that large with mmap and gives them back with munmap, so each parse
 * faults fresh pages in one by one: ~3,000 faults at ~15 us each on this
 * machine (a PVM guest), half the start. Kept in the heap instead, the
 * second parse reuses the first's pages, and marked for huge pages (a
 * hint, ignored where THP is off) a 2 MB fault replaces 512 small ones.
 * Once loaded, glibc's defaults come back and the free pages go back to
 * the kernel: the steady state's memory is what it was.
 */
#include "start_heap.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define WARM_BYTES	(16u << 20)	/* both parses' peak, with room */
#define HUGE_PAGE	(2u << 20)
#define GLIBC_DEFAULT	(128 * 1024)	/* M_MMAP_THRESHOLD and M_TRIM_THRESHOLD */

static uintptr_t lo, hi;	/* the part marked for huge pages */

void wr_start_heap_warm(void)
{
	char *p;

	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	p = malloc(WARM_BYTES);	/* grows the heap; freed, it stays for the parses */
	if (!p)
		return;
	lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	hi = ((uintptr_t)p + WARM_BYTES) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
	free(p);
}

void wr_start_heap_release(void)
{
	if (hi > lo)	/* or khugepaged fills the emptied range again */
		(void)madvise((void *)lo, hi - lo, MADV_NOHUGEPAGE);
	mallopt(M_TRIM_THRESHOLD, GLIBC_DEFAULT);
	mallopt(M_MMAP_THRESHOLD, GLIBC_DEFAULT);
	malloc_trim(0);
}
