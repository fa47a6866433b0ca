#!/bin/bash
# A reader that stops reading (a stuck log shipper): the tracer keeps
# draining the kernel, drops whole records once its 1 MiB buffer is full,
# counts them, and still exits promptly on SIGINT. Every record is accounted
# for: written + dropped_output + pending_output.
. "$(dirname "$0")/lib.sh"
setup_pair
mkfifo "$WORK/pipe"
exec 3<>"$WORK/pipe"		# held open, never read until the end
"$WR" "${BACKEND_OPT[@]}" --json --rate-limit 0 --fold-window 1ms >"$WORK/pipe" 2>"$ERR" &
TRACER_PID=$!
# Attached once its start record comes; after that nothing is read.
read -r -t 30 -u 3 first || true
[ "$(jq -r .event <<<"$first" 2>/dev/null)" = start ] || fail "no start record: $first $(cat "$ERR")"

# ~4000 records of ~600 bytes: the pipe (64 KiB) and the buffer (1 MiB) fill.
refused=$(cli "$HELPERS/tcp_refuse_burst" $SRV4 9 4000)
assert_eq "$refused" 4000 "refused connects"
sleep 1
kill -0 "$TRACER_PID" 2>/dev/null || fail "tracer died with a stalled reader: $(cat "$ERR")"

kill -INT "$TRACER_PID"
# Read now: what was still queued and the final stats come out.
timeout 10 cat <&3 >"$WORK/read.json" &
reader=$!
rc=0
for ((i = 0; i < 100; i++)); do kill -0 "$TRACER_PID" 2>/dev/null || break; sleep 0.1; done
wait "$TRACER_PID" || rc=$?
TRACER_PID=
assert_eq "$rc" 0 "tracer exit status"
[ "$i" -lt 60 ] || fail "tracer took $((i / 10)) s to exit with a stalled reader"
exec 3>&-
wait "$reader" || true

jq -e . "$WORK/read.json" >/dev/null || fail "a record that is not JSON was written"
stats=$(jq -c 'select(.event == "stats" and .final)' "$WORK/read.json")
[ -n "$stats" ] || fail "no final stats record"
lines=$(($(wc -l <"$WORK/read.json") + 1))	# and the start record read first
dropped=$(jq -r .dropped_output <<<"$stats")
# Something had to give: whole records at the output, or (a slow machine,
# e.g. the VM under emulation) events the ring buffer had no room for.
jq -e '.dropped_output + .ringbuf_full > 0' <<<"$stats" >/dev/null ||
	fail "nothing counted as dropped: $stats"
# Records made: start + one per emitted event; all written (read here) or dropped.
jq -e --argjson lines "$lines" '.written + 1 == $lines and .pending_output == 0 and
	.written + .dropped_output == 1 + .received' <<<"$stats" >/dev/null ||
	fail "output accounting does not add up ($lines lines read): $stats"
jq -e '.emitted + .listen_seen - .listen_lost == .received and
	.seen == .emitted + .ringbuf_full + .filtered + .folded + .rate_limited_no_listener' \
	<<<"$stats" >/dev/null || fail "kernel accounting does not add up: $stats"
pass "$dropped of $(jq -r .received <<<"$stats") records dropped at the output, $(jq -r .ringbuf_full <<<"$stats") at the ring buffer, all counted"
