// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: arbitrary bytes as process names, interface and namespace names
 * and rule text, written as JSON records the way output.c writes them. The
 * result must always be one line of strict JSON (json_check.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"
#include "json_writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "comm", "ifname", "netns_name", "text", "hint" };
	struct jw w;
	const char *r;
	size_t start = 0, i, k = 0;

	jw_init(&w);
	jw_object_begin(&w);
	jw_field_string(&w, "event", "refusal");
	/* NUL bytes split the input into strings; some become nested arrays. */
	for (i = 0; i <= size; i++) {
		if (i < size && data[i])
			continue;
		if (k % 3 == 2) {
			jw_key(&w, "hints");
			jw_array_begin(&w);
			jw_string_n(&w, (const char *)data + start, i - start);
			jw_array_end(&w);
		} else {
			jw_key(&w, keys[k % 5]);
			jw_string_n(&w, (const char *)data + start, i - start);
		}
		k++;
		start = i + 1;
	}
	jw_field_uint(&w, "n", size);
	jw_object_end(&w);
	r = jw_result(&w);
	if (r) {
		if (strchr(r, '\n') || !json_check(r, strlen(r)))
			abort();
	} else if (!w.failed) {
		abort();	/* no result without a reason */
	}
	jw_free(&w);
	return 0;
}
