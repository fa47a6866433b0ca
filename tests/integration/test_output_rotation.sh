#!/bin/bash
# --output FILE for a log shipper: logrotate moves the file and sends SIGHUP;
# records before go to the old file, records after to a new one, none lost
# or doubled. --stats-interval adds periodic stats records whose counters
# only grow and add up.
. "$(dirname "$0")/lib.sh"
setup_pair
LOG=$WORK/whyrefused.json
"$WR" "${BACKEND_OPT[@]}" --json --output "$LOG" --stats-interval 300ms --rate-limit 0 2>"$ERR" &
TRACER_PID=$!
wait_json "$LOG" '.event == "start"' 15 >/dev/null || fail "no start record in $LOG"
[ "$(stat -c %a "$LOG")" = 640 ] || fail "log file mode $(stat -c %a "$LOG"), expected 640"

for p in 9001 9002 9003; do connect_from_client $SRV4 $p >/dev/null; done
wait_json "$LOG" '.event == "refusal" and .dport == 9003' 5 >/dev/null || fail "no refusal before rotation"
mv "$LOG" "$LOG.1"
kill -HUP "$TRACER_PID"
for ((i = 0; i < 50; i++)); do [ -e "$LOG" ] && break; sleep 0.1; done
[ -e "$LOG" ] || fail "SIGHUP did not reopen $LOG"
for p in 9004 9005 9006; do connect_from_client $SRV4 $p >/dev/null; done
wait_json "$LOG" '.event == "refusal" and .dport == 9006' 5 >/dev/null || fail "no refusal after rotation"
# At least three periodic stats records in all (bounded wait: a loaded CI
# machine may stall the tracer's loop, the interval is not a deadline).
for ((i = 0; i < 100; i++)); do
	[ "$(cat "$LOG.1" "$LOG" | jq -c 'select(.event == "stats" and .final == false)' | wc -l)" -ge 3 ] && break
	sleep 0.1
done
kill -INT "$TRACER_PID"
wait "$TRACER_PID" || fail "tracer exited $? on SIGINT"
TRACER_PID=

ports=$(cat "$LOG.1" "$LOG" | jq -r 'select(.event == "refusal" and .netns == '"$(srv_netns_inode)"') | .dport' | sort | tr '\n' ' ')
assert_eq "$ports" "9001 9002 9003 9004 9005 9006 " "refusals across the rotation, each once"
jq -r 'select(.event == "refusal") | .dport' "$LOG.1" | grep -cx 9004 >/dev/null && fail "a record after SIGHUP went to the old file"
jq -c 'select(.event == "stats" and .final == false)' "$LOG.1" "$LOG" >"$WORK/periodic"
[ "$(wc -l <"$WORK/periodic")" -ge 3 ] || fail "fewer than 3 periodic stats records"
jq -s -e 'map(.seen) as $s | $s == ($s | sort)' "$WORK/periodic" >/dev/null ||
	fail "periodic counters went backwards"
# Read while SYNs flow, `seen` may run ahead by those in flight; once
# detached (the final record) the outcomes add up to it exactly.
outcomes='.filtered + .folded + .ringbuf_full + .emitted + .rate_limited_no_listener +
	.rate_limited_firewall + .rate_limited_backlog + .rate_limited_other + .rate_limited_handshake'
jq -s -e "all(.[]; .seen >= $outcomes)" "$WORK/periodic" >/dev/null ||
	fail "a periodic stats record counts more outcomes than SYNs seen"
final=$(jq -c 'select(.event == "stats" and .final)' "$LOG")
jq -e ".seen == $outcomes" <<<"$final" >/dev/null || fail "the final stats do not add up: $final"
lines=$(cat "$LOG.1" "$LOG" | wc -l)
jq -e --argjson lines "$lines" '.written + 1 == $lines and .dropped_output == 0' <<<"$final" \
	>/dev/null || fail "written does not match the $lines lines in both files: $final"
pass
