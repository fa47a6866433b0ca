#!/bin/bash
# The README's story: `ssh admin@server` is refused because sshd is not
# running; the tracer's human output says why. Then sshd runs on 2222 only
# and ssh to port 22 is still refused.
. "$(dirname "$0")/lib.sh"
command -v ssh >/dev/null || fail "ssh client missing (make deps)"
setup_pair
"$WR" "${BACKEND_OPT[@]}" --duration 120 --color never >"$WORK/text.out" 2>"$ERR" &
TRACER_PID=$!
for ((i = 0; i < 100; i++)); do grep -q 'Ctrl-C to stop' "$ERR" && break; sleep 0.05; done
grep -q 'Ctrl-C to stop' "$ERR" || fail "no start banner on stderr"

ssh_out=$(cli ssh -p 22 -o BatchMode=yes -o ConnectTimeout=3 -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null admin@$SRV4 true 2>&1 || true)
assert_contains "$ssh_out" "Connection refused"

for ((i = 0; i < 100; i++)); do grep -q "$SRV4:22" "$WORK/text.out" && break; sleep 0.05; done
line=$(grep -m1 "$SRV4:22" "$WORK/text.out") || fail "no line for $SRV4:22"
# 23:45:01 REFUSED  192.0.2.2:51234 -> 192.0.2.1:22  no socket listens on ...
[[ "$line" =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}\ REFUSED\ +$CLI4:[0-9]+\ -\>\ $SRV4:22\ +no\ socket\ listens\ on\ $SRV4:22 ]] ||
	fail "unexpected text line: $line"
kill -INT "$TRACER_PID"; wait "$TRACER_PID" || fail "tracer exit status $?"
TRACER_PID=
grep -q 'totals:' "$ERR" || fail "no totals at exit"
pass
