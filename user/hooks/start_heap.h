/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The heap while we start: what one BTF parse frees, the next one reuses. */
#ifndef WR_START_HEAP_H
#define WR_START_HEAP_H

/* Before the first BTF parse. */
void wr_start_heap_warm(void);
/* Once the BPF object is loaded: glibc's defaults, free pages given back. */
void wr_start_heap_release(void);

#endif /* WR_START_HEAP_H */
