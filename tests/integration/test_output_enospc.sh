#!/bin/bash
# --output on a disk that fills (a 2 MiB tmpfs): the record the disk cut
# short is completed once space is freed, so a log shipper reading JSON
# lines never sees half a record or two records glued on one line. While
# the disk is full, records queue (1 MiB) and then drop whole; the final
# stats count them, and add up to the lines in the file.
. "$(dirname "$0")/lib.sh"
setup_pair
DISK=$WORK/disk
LOG=$DISK/whyrefused.json
mkdir "$DISK"
mount -t tmpfs -o size=2m,mode=0755 wrt-enospc "$DISK"
ON_EXIT+=("umount -l '$DISK'")

# --netns: other suites running on this host refuse connections too.
"$WR" "${BACKEND_OPT[@]}" --json --output "$LOG" --rate-limit 0 --fold-window 1ms --netns "$SRV" \
	2>"$ERR" &
TRACER_PID=$!
wait_json "$LOG" '.event == "start"' 15 >/dev/null || fail "no start record in $LOG"

# Fill the disk. The start record's page keeps some room: the first records
# after it go there, and the one that does not fit is cut short.
dd if=/dev/zero of="$DISK/filler" bs=4k 2>/dev/null || true
assert_eq "$(df --output=avail -B1 "$DISK" | tail -n 1 | tr -d ' ')" 0 "bytes free on the tmpfs"
# Records of ~600 bytes, more than the 1 MiB queue holds: a burst outruns
# the ring buffer (a third of it is read, the rest counted there), hence four.
for ((burst = 0; burst < 4; burst++)); do
	refused=$(cli "$HELPERS/tcp_refuse_burst" $SRV4 9 4000)
	assert_eq "$refused" 4000 "refused connects while the disk is full"
	sleep 0.5
done
kill -0 "$TRACER_PID" 2>/dev/null || fail "tracer died on a full disk: $(cat "$ERR")"

# Space comes back (logrotate, an admin): the queue goes out, then new records.
rm "$DISK/filler"
connect_from_client $SRV4 10 >/dev/null
for ((i = 0; i < 100; i++)); do
	grep -q '"dport":10,' "$LOG" && break
	sleep 0.1
done
grep -q '"dport":10,' "$LOG" || fail "no refusal written after space was freed"
kill -INT "$TRACER_PID"
rc=0
wait "$TRACER_PID" || rc=$?
TRACER_PID=
assert_eq "$rc" 0 "tracer exit status"
cp "$LOG" "$OUT"	# shown by lib.sh if what follows fails

# Every line one whole record: no half record, no two records on a line.
bad=$(jq -R -r '. as $l | try (fromjson | empty) catch $l' "$LOG" | head -c 600)
[ -z "$bad" ] || fail "a line that is not one JSON record: $bad"
stats=$(jq -c 'select(.event == "stats" and .final)' "$LOG")
[ -n "$stats" ] || fail "no final stats record"
lines=$(wc -l <"$LOG")
# Records made: the start record, one per refusal (a retransmitted SYN,
# beyond the 16001 sent, may fold into its flow's), one per on-demand attach
# (a blocked SYN in the flood may cause one). Each one written (a line of
# the file) or dropped, none still queued; the full disk counted.
jq -e --argjson lines "$lines" '(.written + .dropped_output) as $made |
	(.seen - .filtered - 16001 | if . < 0 then 0 else . end) as $resent |
	.written + 1 == $lines and .pending_output == 0 and .dropped_output > 0 and
	.write_errors >= 1 and $made >= 1 + .emitted - $resent and
	$made <= 1 + .received + .on_demand_replies_attached + .on_demand_backlog_attached' \
	<<<"$stats" >/dev/null ||
	fail "output accounting does not add up ($lines lines): $stats"
pass "$(jq -r .dropped_output <<<"$stats") of $(jq -r .received <<<"$stats") records dropped on the full disk, all counted, $lines whole lines"
