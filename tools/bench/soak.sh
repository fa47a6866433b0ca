#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# tools/bench/soak.sh [SECS] (make soak): a refused-SYN flood for SECS
# (default 180) with the tracer running --json --stats-interval, in
# namespaces of its own. Samples the tracer's RSS over time and prints its
# range and slope; checks that every periodic stats record and the final
# one add up, and that every refusal the client saw was counted:
#   seen     = filtered + folded + emitted + ringbuf_full + rate_limited_*
#   received = emitted + listen_seen - listen_lost
#   lines    = written (+1, the final record itself); refusal lines = emitted
#   seen    >= refusals the client saw (ECONNREFUSED)
# Exits 1 if the counters do not add up; memory and CPU are reported, not
# judged. The output file is rotated (mv + SIGHUP, as logrotate does) when it
# passes SOAK_ROTATE_MB, so --rate-limit 0 floods fit in tmpfs.
#
# Knobs: SOAK_RATE_LIMIT (the tracer's --rate-limit; unset: its default),
# SOAK_RATE (refusals/s to offer; 0: flat out), SOAK_STATS (10s),
# SOAK_SAMPLE (5: seconds between RSS samples), SOAK_ROTATE_MB (256),
# SOAK_ALL_HOOKS (1: the tracer runs with --all-hooks).
. "$(dirname "$0")/lib.sh"

SECS=${1:-${SOAK_SECS:-180}}
STATS=${SOAK_STATS:-10s}
SAMPLE=${SOAK_SAMPLE:-5}
ROTATE_MB=${SOAK_ROTATE_MB:-256}
OUT=$WORK/soak.json
SAMPLES=$WORK/samples.tsv
TALLY=$WORK/tally		# lines, refusal lines, stats records of rotated files
ROTATED=0
TRACER_PID=

[[ "$SECS" =~ ^[0-9]+$ ]] && [ "$SECS" -ge 10 ] && [ "$SECS" -le 3600 ] ||
	die "SECS: 10 to 3600 seconds, not '$SECS'"

start_tracer() {
	local opts=(--json --output "$OUT" --stats-interval "$STATS")
	[ -n "${SOAK_RATE_LIMIT:-}" ] && opts+=(--rate-limit "$SOAK_RATE_LIMIT")
	[ "${SOAK_ALL_HOOKS:-0}" = 1 ] && opts+=(--all-hooks)
	"$WR" "${opts[@]}" 2>"$WORK/tracer.err" &
	TRACER_PID=$!
	KILL_PIDS+=("$TRACER_PID")
	wait_line "$OUT" '"event":"start"' 20 || die "no start record: $(cat "$WORK/tracer.err")"
	echo "   tracer: $WR ${opts[*]}"
}

# Counts a finished file's records into $TALLY, keeping its stats records.
tally_file() {
	local f=$1
	grep '"event":"stats"' "$f" >>"$WORK/stats.jsonl" || true
	printf '%s %s\n' "$(wc -l <"$f")" "$(grep -c '"event":"refusal"' "$f" || true)" >>"$TALLY"
}

# logrotate's way: move the file, SIGHUP, wait (bounded) for the new one.
rotate_if_big() {
	local i
	[ "$(stat -c %s "$OUT" 2>/dev/null || echo 0)" -gt $((ROTATE_MB << 20)) ] || return 0
	mv "$OUT" "$OUT.old"
	kill -HUP "$TRACER_PID"
	for ((i = 0; i < 100; i++)); do
		[ -e "$OUT" ] && break
		sleep 0.05
	done
	sleep 0.2	# what was queued for the old file is flushed before the reopen
	tally_file "$OUT.old"
	rm -f "$OUT.old"
	ROTATED=$((ROTATED + 1))
}

# One sample: seconds, VmRSS kB, VmHWM kB, CPU ticks, other load.
sample() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$(mem_kb "$TRACER_PID" VmRSS)" \
		"$(mem_kb "$TRACER_PID" VmHWM)" "$(cpu_ticks "$TRACER_PID")" "$(other_load)" \
		>>"$SAMPLES"
}

flood() {
	local rate=()
	[ "${SOAK_RATE:-0}" != 0 ] && rate=(-r "$SOAK_RATE")
	cli "$LOADGEN" refuse $SRV4 $REFUSED_PORTS -d "$SECS" -c 64 -t 2 "${rate[@]}" \
		>"$WORK/load.json" &
	LOAD_PID=$!
	KILL_PIDS+=("$LOAD_PID")
}

# Samples every SAMPLE s while the flood runs (bounded by SECS + 30 s).
watch_flood() {
	local t0=$SECONDS next=0
	while kill -0 "$LOAD_PID" 2>/dev/null && ((SECONDS - t0 < SECS + 30)); do
		if ((SECONDS - t0 >= next)); then
			sample $((SECONDS - t0))
			next=$((next + SAMPLE))
		fi
		rotate_if_big
		sleep 0.5
	done
	wait "$LOAD_PID" || die "the load generator failed"
	sleep 1			# the last events reach the output
	sample $((SECONDS - t0))
}

# Every stats record. Mid-flood, the counters are read one after the other
# while SYNs keep coming, so "unsummed" (seen minus the sum of the rest) may
# be off by the few SYNs in between; the final record is read after the flood.
stats_table() {
	jq -r 'def rl: .rate_limited_no_listener + .rate_limited_firewall +
		.rate_limited_backlog + .rate_limited_other + .rate_limited_handshake;
		"     \(.ts[11:19])\(if .final then " final" else "" end) seen=\(.seen)" +
		" emitted=\(.emitted) rate_limited=\(rl) ringbuf_full=\(.ringbuf_full)" +
		" folded=\(.folded) received=\(.received) written=\(.written)" +
		" unsummed=\(.seen - (.filtered + .folded + .emitted + .ringbuf_full + rl))"' \
		"$WORK/stats.jsonl"
}

memory_report() {
	# After the first 10 s: start-up allocations are not a trend.
	awk -F'\t' -v s="$SAMPLE" '
		$1 >= 10 { n++; x += $1; y += $2; xx += $1 * $1; xy += $1 * $2
			   if (!min || $2 < min) min = $2; if ($2 > max) max = $2; last = $2 }
		{ hwm = $3; if (!first) first = $2 }
		END {
			slope = n > 1 ? (n * xy - x * y) / (n * xx - x * x) * 60 : 0
			printf "   RSS: %.1f MiB at start; after 10 s min %.1f, max %.1f, last %.1f MiB;" \
			       " slope %+.1f KiB/min over %d samples; VmHWM %.1f MiB\n",
			       first / 1024, min / 1024, max / 1024, last / 1024, slope, n, hwm / 1024
		}' "$SAMPLES"
}

cpu_report() {
	awk -F'\t' -v hz="$CLK_TCK" 'NR == 1 { t0 = $1; c0 = $4 } { t = $1; c = $4 }
		END { if (t > t0)
			printf "   tracer CPU: %.1f%% of a core on average\n", (c - c0) / hz / (t - t0) * 100 }' \
		"$SAMPLES"
}

# The final accounting; returns 1 if anything does not add up.
check_final() {
	local final lines refusals client
	final=$(grep '"final":true' "$WORK/stats.jsonl" | tail -n 1)
	[ -n "$final" ] || { echo "   no final stats record"; return 1; }
	read -r lines refusals < <(awk '{ l += $1; r += $2 } END { print l + 0, r + 0 }' "$TALLY")
	client=$(jq -r .refused "$WORK/load.json")
	echo "   client: $(jq -c '{rate, refused, timeouts, errors}' "$WORK/load.json")"
	echo "   final:  $final"
	jq -r --argjson lines "$lines" --argjson refusals "$refusals" --argjson client "$client" '
		def rl: .rate_limited_no_listener + .rate_limited_firewall +
			.rate_limited_backlog + .rate_limited_other + .rate_limited_handshake;
		[ ["seen = filtered + folded + emitted + ringbuf_full + rate_limited_*",
		   .seen == .filtered + .folded + .emitted + .ringbuf_full + rl],
		  ["received = emitted + listen_seen - listen_lost",
		   .received == .emitted + .listen_seen - .listen_lost],
		  ["lines written = written + 1 (\($lines) lines), none dropped",
		   $lines == .written + 1 and .dropped_output == 0 and .write_errors == 0],
		  ["refusal lines = emitted - decode_errors (\($refusals))",
		   $refusals == .emitted - .decode_errors],
		  ["seen >= refusals the client saw (\($client)), excess \(.seen - $client)",
		   .seen >= $client] ][] |
		"   \(if .[1] then "ok  " else "FAIL" end) \(.[0])"' <<<"$final" | tee "$WORK/checks"
	! grep -q FAIL "$WORK/checks"
}

main() {
	local rc=0
	need_root
	build_tools
	setup_netns
	: >"$TALLY"
	: >"$WORK/stats.jsonl"
	echo "== soak: refused-SYN flood for ${SECS}s, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
	start_tracer
	sample 0
	flood
	watch_flood
	stop_pid "$TRACER_PID"
	tally_file "$OUT"
	echo "== results (output rotated $ROTATED times)"
	memory_report
	cpu_report
	awk -F'\t' '$5 != "" { n++; w = $5 } END { if (n)
		printf "   WARNING: %d samples shared the machine (%s): rate and CPU are not clean\n", n, w }' \
		"$SAMPLES"
	echo "   stats records:"
	stats_table
	echo "   RSS samples (s, kB): $(awk -F'\t' '{ printf "%s:%s ", $1, $2 }' "$SAMPLES")"
	check_final || rc=1
	mkdir -p "$ROOT/build/bench/results"
	cp "$SAMPLES" "$ROOT/build/bench/results/soak-rss-$(date -u +%Y%m%dT%H%M%S).tsv"
	return $rc
}

main "$@"
