#!/bin/bash
# --journal with a journald that stops reading (SIGSTOPped: a journald stuck
# on a slow disk does the same). Its socket's queue fills; a send that waited
# for it would hold the event loop, the metrics endpoint and the exit. The
# tracer keeps answering /metrics, exits promptly on SIGINT, drops whole
# records once its own queue is full and counts them; when journald reads
# again, the final stats record says written + dropped_output = every record.
# Debian's systemd-journald, in a mount namespace of its own (as
# test_journal_output.sh runs it); the host's journal is never touched.
. "$(dirname "$0")/lib.sh"
journal_dirs
setup_pair
PORT=$((20000 + $$ % 20000))
# journald_and_tracer: a journald in a mount namespace of its own, and the
# tracer there (TRACER_PID); JPID is that journald.
journald_and_tracer() {
	rm -rf "$WORK/log"
	in_private_journal "$WORK/log" \
		"$WR" "${BACKEND_OPT[@]}" --journal --rate-limit 0 --fold-window 1ms --netns "$SRV" \
		--metrics 127.0.0.1:$PORT 2>"$ERR" &
	TRACER_PID=$!
	for ((i = 0; i < 100; i++)); do
		[ "$(jr -t whyrefused WHYREFUSED_EVENT=start | wc -l)" -ge 1 ] && break
		sleep 0.1
	done
	[ "$i" -lt 100 ] || fail "no start record in the journal: $(cat "$ERR")"
	JPID=$(cat "$WORK/log/journald.pid")
	ON_EXIT+=("kill -CONT $JPID" "kill -9 $JPID")
}
jr() { journalctl -D "$WORK/log/journal" --no-pager -o json "$@" 2>/dev/null || true; }
# stop_within S: SIGINT, and the tracer gone within S seconds, exit status 0.
stop_within() {
	local i rc=0
	kill -INT "$TRACER_PID"
	for ((i = 0; i < $1 * 10; i++)); do kill -0 "$TRACER_PID" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$TRACER_PID" 2>/dev/null && fail "tracer still running $1 s after SIGINT ($2)"
	wait "$TRACER_PID" || rc=$?
	TRACER_PID=
	assert_eq "$rc" 0 "tracer exit status ($2)"
}

# 1. journald stops reading for a while: the loop goes on, records are dropped and counted.
journald_and_tracer
kill -STOP "$JPID"
# ~4000 records: journald's queue (net.unix.max_dgram_qlen, 512) fills.
refused=$(cli "$HELPERS/tcp_refuse_burst" $SRV4 9 4000)
assert_eq "$refused" 4000 "refused connects"
kill -0 "$TRACER_PID" 2>/dev/null || fail "tracer died with a stalled journald: $(cat "$ERR")"
# The loop still turns: /metrics answers (a loop held by a send never would; the
# bound is generous: the loop may still be working through the burst).
m=$(curl -s -m 30 "http://127.0.0.1:$PORT/metrics") || fail "no /metrics answer with a stalled journald"
grep -q '^whyrefused_refusals_total{cause="no_listener"' <<<"$m" ||
	fail "metrics without refusals: $(head -c 300 <<<"$m")"
kill -CONT "$JPID"
stop_within 10 "journald reading again"
for ((i = 0; i < 100; i++)); do
	[ "$(jr -t whyrefused WHYREFUSED_EVENT=stats WHYREFUSED_FINAL=1 | wc -l)" -ge 1 ] && break
	sleep 0.1
done
e=$(jr -t whyrefused WHYREFUSED_EVENT=stats WHYREFUSED_FINAL=1 | tail -n 1)
[ -n "$e" ] || fail "no final stats record in the journal: $(cat "$ERR")"
jq -e '(.WHYREFUSED_DROPPED_OUTPUT | tonumber) > 0' <<<"$e" >/dev/null ||
	fail "nothing counted as dropped with a stalled journald: $e"
# Every record (the start, one per refusal emitted, an attach record maybe) written or
# dropped, none pending; the final one is not counted in itself.
jq -e '(.WHYREFUSED_WRITTEN | tonumber) + (.WHYREFUSED_DROPPED_OUTPUT | tonumber) >=
	1 + (.WHYREFUSED_EMITTED | tonumber) and (.WHYREFUSED_PENDING_OUTPUT | tonumber) == 0' \
	<<<"$e" >/dev/null || fail "journal accounting does not add up: $e"
n=$(jr -t whyrefused | jq -s 'map(select(.WHYREFUSED_FINAL != "1")) | length')
assert_eq "$n" "$(jq -r .WHYREFUSED_WRITTEN <<<"$e")" "records in the journal before the final stats"
said="$(jq -r .WHYREFUSED_DROPPED_OUTPUT <<<"$e") of $((1 + $(jq -r .WHYREFUSED_EMITTED <<<"$e"))) records dropped at the journal, all counted"
kill -9 "$JPID"

# 2. journald stuck for good: SIGINT still ends the tracer (its last records are lost then).
journald_and_tracer
kill -STOP "$JPID"
refused=$(cli "$HELPERS/tcp_refuse_burst" $SRV4 9 1500)
assert_eq "$refused" 1500 "refused connects"
stop_within 10 "journald stopped"
pass "$said; exits with journald stuck"
