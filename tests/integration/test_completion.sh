#!/bin/bash
# Bash completion (tools/completion/whyrefused): it offers every option
# --help lists and nothing else, the backends after --backend, the colour
# choices, and the namespaces `ip netns` lists (this test's own) after --netns.
. "$(dirname "$0")/lib.sh"
[ -n "${WR_VM:-}" ] && { pass "skipped in the VM (userspace only: the host's)"; exit 0; }
# complete WORDS...: what completion offers for the last word.
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _whyrefused
		printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT/tools/completion/whyrefused" whyrefused "$@"
}
setup_pair
help_opts=$("$WR" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | tr -s ' ,' '\n' |
	grep -E '^-' | sort -u)
offered=$(complete_words "" | sort -u)
assert_eq "$(comm -3 <(echo "$help_opts") <(echo "$offered"))" "" "options offered vs --help"
assert_eq "$(complete_words --backend "" | tr '\n' ' ')" "auto fentry kprobe tracepoint " "backends"
assert_eq "$(complete_words --backend k)" kprobe "--backend k"
assert_eq "$(complete_words --color a | tr '\n' ' ')" "auto always " "--color a"
assert_contains "$(complete_words --netns "")" "$SRV"
assert_eq "$(complete_words -n "$SRV")" "$SRV" "-n with this test's namespace"
assert_eq "$(complete_words --all-h)" --all-hooks "--all-h"
pass
