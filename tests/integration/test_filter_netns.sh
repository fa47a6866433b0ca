#!/bin/bash
# --netns runs in the kernel too: a tracer watching the client's namespace
# (by name) reports nothing for SYNs refused in the server's, and counts
# them as filtered; one watching the server's (by inode) reports them. An
# unknown namespace is a usage error.
. "$(dirname "$0")/lib.sh"
setup_pair
start_tracer --netns "$CLI"
"$WR" "${BACKEND_OPT[@]}" --json --duration 60 --netns "$(srv_netns_inode)" >"$WORK/by_inode.json" \
	2>"$WORK/by_inode.err" &
PIDS+=($!)
disown $!
wait_json "$WORK/by_inode.json" '.event == "start"' 15 >/dev/null ||
	fail "tracer with --netns INODE did not start: $(cat "$WORK/by_inode.err")"

assert_eq "$(connect_from_client $SRV4 22)" refused "client outcome"
wait_json "$WORK/by_inode.json" ".event == \"refusal\" and .dport == 22" 5 >/dev/null ||
	fail "--netns <server inode> did not report the refusal"
stop_tracer
assert_eq "$(count_refusals '.dport == 22')" 0 "refusals reported outside --netns"
filtered=$(jq -r 'select(.event == "stats") | .filtered' "$OUT")
[ "$filtered" -ge 1 ] || fail "the other namespace's SYN not counted as filtered ($filtered)"

rc=0
err=$("$WR" --netns wrt-no-such-ns 2>&1 >/dev/null) || rc=$?
assert_eq "$rc" 2 "exit code for an unknown --netns"
assert_contains "$err" "unknown network namespace 'wrt-no-such-ns'"
pass
