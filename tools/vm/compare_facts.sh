#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# compare_facts.sh CELL_DIR...: the same scenario must give the same facts
# (tests/integration/lib.sh record_facts) on every backend and in every
# module state of a kernel. Each CELL_DIR holds BACKEND/TEST files; the first
# backend of the first cell is the reference. A scenario one run skipped, or
# that was not run there, is not compared. Non-zero when any pair differs.
set -u
ref=
for cell in "$@"; do
	for b in "$cell"/*/; do
		[ -d "$b" ] || continue
		if [ -z "$ref" ]; then ref=${b%/}; continue; fi
		runs+=("${b%/}")
	done
done
[ -n "$ref" ] || { echo "vmtest: no facts recorded"; exit 1; }
same=0 differ=0
name() { local d=$1; echo "$(basename "$(dirname "$d")")/$(basename "$d")"; }
for run in "${runs[@]}"; do
	for f in "$ref"/*; do
		t=$(basename "$f")
		[ -e "$run/$t" ] || continue
		if diff -u "$f" "$run/$t" >/dev/null; then
			same=$((same + 1))
		else
			differ=$((differ + 1))
			echo "vmtest: facts differ, $t: $(name "$ref") vs $(name "$run")"
			diff -u "$f" "$run/$t" | sed -n 's/^[-+][^-+]/  &/p' | head -n 20
		fi
	done
done
echo "vmtest: same facts against $(name "$ref"): $same scenario pairs agree, $differ differ"
[ "$differ" -eq 0 ]
