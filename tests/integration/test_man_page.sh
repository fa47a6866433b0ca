#!/bin/bash
# whyrefused(8): groff finds nothing to warn about, and its OPTIONS are
# exactly the options --help lists (long and short), so neither can drift.
. "$(dirname "$0")/lib.sh"
[ -n "${WR_VM:-}" ] && { pass "skipped in the VM (no groff there; the page is the host's)"; exit 0; }
MAN=$ROOT/tools/man/whyrefused.8
command -v groff >/dev/null || fail "groff is missing (make deps installs groff-base)"
warnings=$(groff -man -ww -z "$MAN" 2>&1) || fail "groff failed: $warnings"
assert_eq "$warnings" "" "groff warnings"

# Options as --help prints them: "  -j, --json ...", "      --fold-window TIME ...".
help_opts=$("$WR" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | tr -s ' ,' '\n' |
	grep -E '^-' | sort -u)
# Options the man page's OPTIONS section describes: its .TP tags.
man_opts=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$MAN" | grep -A1 '^\.TP' | grep -v '^\.TP' |
	sed 's/\\-/-/g; s/\\f[BIR]//g' | grep -oE '(^|[ "])--?[a-zA-Z][a-z-]*' | tr -d ' "' | sort -u)
[ -n "$help_opts" ] || fail "no options read from --help"
missing=$(comm -23 <(echo "$help_opts") <(echo "$man_opts"))
extra=$(comm -13 <(echo "$help_opts") <(echo "$man_opts"))
assert_eq "$missing" "" "options in --help but not in whyrefused(8)"
assert_eq "$extra" "" "options in whyrefused(8) but not in --help"
pass "$(echo "$help_opts" | wc -l) options"
