// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The license, and the shared maps even if no program used them. */
#include "maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
