#!/bin/bash
# Whoever reads our output exits (`whyrefused | head -n 1`, a log shipper
# that dies) or stdout is closed: the tracer stops and exits non-zero, so
# that systemd's Restart=on-failure starts it again, with the reason in one
# line on stderr. A reader that merely stalls is another story
# (test_output_blocked_reader.sh): that one is waited for.
. "$(dirname "$0")/lib.sh"
setup_pair

# wait_exit SECS: the tracer's exit status in $rc (fails after SECS).
wait_exit() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		kill -0 "$TRACER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$TRACER_PID" 2>/dev/null && fail "tracer still running $1 s after its reader went"
	rc=0
	wait "$TRACER_PID" || rc=$?
	TRACER_PID=
}

# The reader takes the records up to the start record and exits (an attach
# record, made by other suites' traffic on this host, may come first); the
# next record meets EPIPE.
mkfifo "$WORK/pipe"
sed -n '/"event":"start"/{p;q}' <"$WORK/pipe" >"$WORK/first" &
reader=$!
"$WR" "${BACKEND_OPT[@]}" --json >"$WORK/pipe" 2>"$ERR" &
TRACER_PID=$!
wait "$reader" || true
[ "$(jq -r .event "$WORK/first" 2>/dev/null)" = start ] || fail "no start record: $(cat "$WORK/first" "$ERR")"
connect_from_client $SRV4 9 >/dev/null
wait_exit 10
[ "$rc" -eq 1 ] || fail "exit status $rc with its reader gone, expected 1: $(cat "$ERR")"
grep -qx 'whyrefused: cannot write output: Broken pipe' "$ERR" ||
	fail "stderr does not say why: $(cat "$ERR")"
[ "$(grep -c 'cannot write output' "$ERR")" -eq 1 ] || fail "the reason more than once: $(cat "$ERR")"

# Started with stdout closed (`whyrefused >&-`): nowhere to write at all.
"$WR" "${BACKEND_OPT[@]}" --json >&- 2>"$ERR" &
TRACER_PID=$!
sleep 1
connect_from_client $SRV4 9 >/dev/null
wait_exit 30
[ "$rc" -eq 1 ] || fail "exit status $rc with stdout closed, expected 1: $(cat "$ERR")"
grep -qx 'whyrefused: cannot write output: Bad file descriptor' "$ERR" ||
	fail "stderr does not say why: $(cat "$ERR")"
pass
