#!/bin/bash
# The README's Layout section maps the tree: every file and folder of user/
# (one folder per stage), every file of bpf/ and include/, and every top-level
# entry of tools/ and tests/, is named there by its basename in backticks
# (`fw_rules.c`, `hooks/`, `tools/vm/` or `vm/`). A header X.h of user/ counts
# as named when X.c beside it is (the README says each X.c comes with its X.h). Plain bash, no root; run by `make unit`.
# Exit 0 when all are named; 1 naming each missing file; 2 when the README
# or its Layout section is not there.
set -u
cd "$(dirname "$0")/.." || exit 2
readme=README.md
[ -r "$readme" ] || { echo "check_layout: $readme not found" >&2; exit 2; }

# The Layout section: from "## Layout" to the next "## " heading.
section=$(awk '/^## Layout[[:space:]]*$/ { on = 1; next }
	on && /^## / { exit } on { print }' "$readme")
[ -n "$section" ] || { echo "check_layout: no '## Layout' section in $readme" >&2; exit 2; }

# Every backticked token, reduced to its last path component.
declare -A named=()
while IFS= read -r tok; do
	tok=${tok%/}
	named["${tok##*/}"]=1
done < <(grep -o '`[^`]*`' <<<"$section" | tr -d '`')

missing=0
check() {	# $1: path in the tree
	local base=${1##*/}
	[ -n "${named[$base]:-}" ] && return
	if [[ $1 == user/*.h && -e ${1%.h}.c && -n "${named[${base%.h}.c]:-}" ]]; then
		return
	fi
	echo "check_layout: $1 is not named in README.md's Layout section"
	missing=$((missing + 1))
}

for f in user/* user/*/* bpf/* include/* tools/* tests/*; do
	[ -e "$f" ] || continue
	check "$f"
done
if [ "$missing" -gt 0 ]; then
	echo "check_layout: $missing file(s) not mapped: add a line for each to README.md's Layout"
	exit 1
fi
echo "check_layout: every file of user/ (and its folders), bpf/, include/ and tools/, tests/ entries is mapped"
