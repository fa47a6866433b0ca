#!/bin/bash
# `make demo` (tools/demo.sh) as a newcomer runs it: it exits 0, and what it
# printed has a line of each cause it stages (no listener, firewall reject,
# firewall drop, full accept queue), the rule it names and the JSON line.
. "$(dirname "$0")/lib.sh"
[ -n "${WR_VM:-}" ] && { pass "skipped in the VM (the demo is the host's)"; exit 0; }
rc=0
bash "$ROOT/tools/demo.sh" >"$WORK/demo.out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "make demo exited $rc: $(tail -n 5 "$WORK/demo.out")"
out=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/demo.out")	# --color always
for want in "REFUSED " "REJECTED " "DROPPED " "BACKLOG " "wrong port?" \
	"was killed by SIGTERM from bash" 'rule: nft inet demo, chain input, handle' '"event":"refusal"'; do
	assert_contains "$out" "$want"
done
pass
