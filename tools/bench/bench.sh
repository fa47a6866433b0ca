#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# tools/bench/bench.sh (make bench): what whyrefused costs, measured against
# a baseline with no tracer in the same run, as ratios; never pass/fail.
#
# In namespaces of its own (lib.sh), for each tracer configuration
#   none      no tracer: the baseline
#   wr        build/whyrefused --json --output FILE (the default mode, --rate-limit 1000)
#   wr-all    the same with --all-hooks: also the hooks every packet passes (0.1's full mode)
#   wr-rl0    the same with --rate-limit 0: every refusal reaches userspace
#   wr-fentry, wr-kprobe, wr-tracepoint: the default mode on that --backend
#   wr-all-fentry, wr-all-kprobe: --all-hooks on that --backend
#             (make vmbench: the backends Debian's kernels allow)
#   (optional: wr-null, wr-rl0-null: the same with --output /dev/null; the
#   file on tmpfs is what lets startup and the accounting be checked;
#   alt: another build, BENCH_ALT=/path/to/whyrefused, as wr: a change
#   measured side by side with the current build in one run)
#   (empty: programs that do nothing, on the tracepoints whyrefused uses
#   here (tools/bench/empty.bpf.c): the floor, what being attached costs;
#   empty-xN: N copies of each, so a rate shows what one call costs;
#   empty-fentry, empty-kprobe, empty-tracepoint: empty programs on the
#   hooks the default mode attaches on that backend, its floor;
#   empty-all-fentry, empty-all-kprobe: and on the rule evaluators)
#   bpftrace  a bpftrace one-liner on tcp:tcp_send_reset printing each
#             refusal and counting them (the same job, by hand)
# it measures
#   accept        accepted connections/s over veth (connect, accept, close)
#   stream_lo     bytes/s over one connection on the server netns's lo
#   stream_veth   bytes/s over one connection across the veth pair
#   refuse_max    refused SYNs/s, flat out
#   refuse_paced  refused SYNs/s paced at BENCH_REFUSE_RATE (default 100000,
#                 capped at 80% of what the machine reaches without tracer),
#                 so the tracers' CPU is compared at one rate
# and for each: the busy time of all CPUs per operation (steal excluded),
# and per tracer run: the tracer's CPU (utime + stime of /proc/PID/stat over
# each measurement), its peak RSS (VmHWM), startup (exec to the `start`
# record), and whether every refusal is accounted for (the stats add up).
# Configurations are interleaved, in a rotated order each round, and every
# round is kept: the spread shows the noise. Then, with
# kernel.bpf_stats_enabled for one more whyrefused run, the time the kernel
# spent in each BPF program per connection, byte or refusal.
#
# Knobs: BENCH_SECS (6) per measurement, BENCH_ROUNDS (3),
# BENCH_REFUSE_RATE (100000), BENCH_CONFIGS, BENCH_MEASURES, BENCH_BPF_STATS
# (1: the kernel-side pass), BENCH_KS_MEASURES (its loads: accept stream_veth
# refuse_paced), BENCH_RULESET (none, or nft: a small stateful input chain in
# the server namespace, as a server with a firewall has, so that hooks on
# the rule evaluators run per packet), BENCH_OUT (build/bench/results: raw
# data kept), BENCH_PREBUILT (1: do not run make; the VM has the binaries).
# shellcheck disable=SC2034 # lib.sh reads MOUNTED_TRACEFS and BPF_STATS_WAS
. "$(dirname "$0")/lib.sh"

SECS=${BENCH_SECS:-6}
ROUNDS=${BENCH_ROUNDS:-3}
RATE=${BENCH_REFUSE_RATE:-100000}
read -ra CONFIGS <<<"${BENCH_CONFIGS:-none wr wr-all wr-rl0 bpftrace}"
read -ra MEASURES <<<"${BENCH_MEASURES:-accept stream_lo stream_veth refuse_max refuse_paced}"
read -ra KS_MEASURES <<<"${BENCH_KS_MEASURES:-accept stream_veth refuse_paced}"
RULESET=${BENCH_RULESET:-none}
OUTDIR=${BENCH_OUT:-$ROOT/build/bench/results}
RAW=$WORK/raw.tsv
PACED=$RATE

# NO_SOCKET is 1 in enum sk_rst_reason (6.10+). The tracepoint's addresses
# are the RST's: the client is daddr. IPv4 only, like the load.
BT_PROG='BEGIN { printf("start\n"); }
tracepoint:tcp:tcp_send_reset /args->skaddr == 0 && args->reason == 1/ {
	$c = (struct sockaddr_in *)args->daddr;
	$s = (struct sockaddr_in *)args->saddr;
	printf("refused %s:%d -> %s:%d\n", ntop($c->sin_addr.s_addr), bswap($c->sin_port),
	       ntop($s->sin_addr.s_addr), bswap($s->sin_port));
	@refused = count();
}'

# Empty programs (empty.bpf.c) on the hooks the default mode attaches on
# each backend: drops, IPv4 ICMP answers (6.10+), process ends, and the
# backend's own no-socket RST hooks (not the REJECT kprobes nor the
# accept-queue hooks: attached only for a REJECT or a full queue).
# empty-all-fentry/-kprobe add the accept-queue functions and the rule
# evaluators' entry and exit, which --all-hooks hooks.
EMPTY_DEFAULT="empty_kfree_skb empty_icmp_send empty_exit empty_signal empty_exec"
EMPTY_RESET_FNS="tcp_v4_send_reset tcp_v6_send_reset"
EMPTY_ALL_FNS="tcp_conn_request tcp_v4_syn_recv_sock tcp_v6_syn_recv_sock"
EMPTY_RULE_FNS="nft_do_chain ipt_do_table ip6t_do_table"
empty_programs() {
	local f kind=${1##*-}
	case $1 in
	empty | empty-x*) echo "empty_send_reset empty_kfree_skb empty_dev_queue empty_set_state empty_consume" ;;
	empty-tracepoint) echo "$EMPTY_DEFAULT empty_send_reset" ;;
	empty-fentry | empty-kprobe | empty-all-fentry | empty-all-kprobe)
		echo "$EMPTY_DEFAULT"
		for f in $EMPTY_RESET_FNS; do echo "${kind}_$f"; done
		[[ $1 = empty-all-* ]] || return 0
		for f in $EMPTY_ALL_FNS; do echo "${kind}_$f"; done
		for f in $EMPTY_RULE_FNS; do
			[ "$kind" = fentry ] && echo "fentry_$f fexit_$f" || echo "kprobe_$f kretprobe_$f"
		done
		;;
	esac
}

need_bpftrace() {
	command -v bpftrace >/dev/null && return 0
	echo "== installing bpftrace (apt)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends bpftrace \
		>/dev/null || die "cannot install bpftrace"
}

# bpftrace reads tracepoint formats from tracefs; mount it for this run only.
need_tracefs() {
	[ -e /sys/kernel/tracing/events ] && return 0
	mount -t tracefs nodev /sys/kernel/tracing || die "cannot mount tracefs"
	MOUNTED_TRACEFS=1	# lib.sh unmounts it on exit
}

# The load of measurement $1; prints loadgen's JSON line.
run_load() {
	case $1 in
	accept)       cli "$LOADGEN" accept $SRV4 $CLOSE_PORT -d "$SECS" -c 64 -t 2 ;;
	stream_lo)    srv "$LOADGEN" stream 127.0.0.1 $SINK_PORT -d "$SECS" ;;
	stream_veth)  cli "$LOADGEN" stream $SRV4 $SINK_PORT -d "$SECS" ;;
	refuse_max)   cli "$LOADGEN" refuse $SRV4 $REFUSED_PORTS -d "$SECS" -c 64 -t 2 ;;
	refuse_paced) cli "$LOADGEN" refuse $SRV4 $REFUSED_PORTS -d "$SECS" -c 64 -t 2 -r "$PACED" ;;
	*) die "unknown measurement $1" ;;
	esac
}

# The paced rate must be one every configuration can offer: below the max.
calibrate() {
	local max SECS=3
	max=$(run_load refuse_max | jq -r '.rate | floor')
	if [ "$((max * 8 / 10))" -lt "$RATE" ]; then
		PACED=$(((max * 8 / 10) / 1000 * 1000))
	fi
	echo "== refused SYNs flat out without tracer: $max/s; paced runs at $PACED/s"
}

# start_tracer CONFIG: sets TRACER_PID, OUT, STARTUP_MS (exec -> start record).
start_tracer() {
	local cfg=$1 t0 ts extra=() bin=
	[ "$cfg" = alt ] && bin=${BENCH_ALT:?alt needs BENCH_ALT=/path/to/whyrefused}
	TRACER_PID='' STARTUP_MS=- OUT=$WORK/$cfg.out
	rm -f "$OUT" "$OUT.err"
	case $cfg in
	none) return 0 ;;
	wr-null | wr-rl0-null)
		# As asked for a log-less run: no start record to time, no stats to check.
		[ "$cfg" = wr-rl0-null ] && extra=(--rate-limit 0)
		"$WR" --json --output /dev/null "${extra[@]}" 2>"$OUT.err" &
		TRACER_PID=$!
		KILL_PIDS+=("$TRACER_PID")
		sleep 1.5	# attached well within this (see the startup row)
		return 0
		;;
	wr | wr-rl0 | wr-all | wr-fentry | wr-kprobe | wr-tracepoint | wr-all-fentry | \
	wr-all-kprobe | alt)
		case $cfg in
		wr-rl0) extra=(--rate-limit 0) ;;
		wr-all) extra=(--all-hooks) ;;
		wr-fentry | wr-kprobe | wr-tracepoint) extra=(--backend "${cfg#wr-}") ;;
		wr-all-*) extra=(--all-hooks --backend "${cfg#wr-all-}") ;;
		esac
		t0=$EPOCHREALTIME
		"${bin:-$WR}" --json --output "$OUT" "${extra[@]}" 2>"$OUT.err" &
		TRACER_PID=$!
		KILL_PIDS+=("$TRACER_PID")
		wait_line "$OUT" '"event":"start"' 20 || die "$cfg: no start record: $(cat "$OUT.err")"
		ts=$(head -n 1 "$OUT" | jq -r .ts)
		STARTUP_MS=$(echo "($(rfc3339_to_epoch "$ts") - $t0) * 1000" | bc -l)
		;;
	empty*)
		t0=$EPOCHREALTIME
		# shellcheck disable=SC2046 # a list of program names
		"$ROOT/build/bench/empty_tracer" "$ROOT/build/bench/empty.bpf.o" \
			"$([[ $cfg = empty-x* ]] && echo "${cfg#empty-x}" || echo 1)" \
			$(empty_programs "$cfg") >"$OUT" 2>"$OUT.err" &
		TRACER_PID=$!
		KILL_PIDS+=("$TRACER_PID")
		wait_line "$OUT" '^attached' 20 || die "empty_tracer: $(cat "$OUT.err")"
		STARTUP_MS=$(echo "($EPOCHREALTIME - $t0) * 1000" | bc -l)
		;;
	bpftrace)
		t0=$EPOCHREALTIME
		# Not -o: bpftrace buffers a file until exit, its stdout it flushes.
		bpftrace -e "$BT_PROG" >"$OUT" 2>"$OUT.err" &
		TRACER_PID=$!
		KILL_PIDS+=("$TRACER_PID")
		# BEGIN fires once every probe is attached; polled every ~2 ms.
		wait_line "$OUT" '^start' 60 || die "bpftrace did not start: $(cat "$OUT.err")"
		STARTUP_MS=$(echo "($EPOCHREALTIME - $t0) * 1000" | bc -l)
		;;
	esac
	STARTUP_MS=$(printf '%.1f' "$STARTUP_MS")
}

# Runs one measurement under the current tracer; appends an M line to $RAW.
measure() {
	local round=$1 cfg=$2 what=$3 c0=0 c1=0 b0 b1 res rate n cpu per_op foreign
	[ -n "$TRACER_PID" ] && c0=$(cpu_ticks "$TRACER_PID")
	b0=$(busy_ticks)
	res=$(run_load "$what")
	b1=$(busy_ticks)
	[ -n "$TRACER_PID" ] && c1=$(cpu_ticks "$TRACER_PID")
	rate=$(jq -r .rate <<<"$res")
	n=$(jq -r '(.refused // 0)' <<<"$res")
	CLIENT_REFUSED=$((CLIENT_REFUSED + n))
	cpu=$(echo "($c1 - $c0) * 100 / $CLK_TCK / $(jq -r .seconds <<<"$res")" | bc -l)
	# Every CPU's busy time (kernel and user, softirqs, the tracer; not steal) per operation.
	per_op=$(echo "($b1 - $b0) * 1000000 / $CLK_TCK / $(ops_of "$res")" | bc -l)
	foreign=$(other_load)	# someone else's tracer or a VM taxes this run
	printf 'M\t%s\t%s\t%s\t%s\t%.2f\t%.3f\t%s%s\n' "$round" "$cfg" "$what" "$rate" "$cpu" \
		"$per_op" \
		"$(jq -r '"unexpected=\(.unexpected) timeouts=\(.timeouts) errors=\(.errors)"' <<<"$res")" \
		"$foreign" >>"$RAW"
}

# whyrefused's final stats: do the counters add up, and match the client?
check_wr() {
	local stats lines refusals
	stats=$(grep '"final":true' "$OUT" | tail -n 1)
	[ -n "$stats" ] || { echo "no final stats record"; return; }
	lines=$(wc -l <"$OUT")
	refusals=$(grep -c '"event":"refusal"' "$OUT" || true)
	jq -r --argjson lines "$lines" --argjson refusals "$refusals" \
		--argjson client "$CLIENT_REFUSED" '
		def rl: .rate_limited_no_listener + .rate_limited_firewall +
			.rate_limited_backlog + .rate_limited_other + .rate_limited_handshake;
		(.seen == .filtered + .folded + .emitted + .ringbuf_full + rl) as $k |
		(.received == .emitted + .listen_seen - .listen_lost) as $r |
		($lines == .written + 1 and .dropped_output == 0 and .write_errors == 0 and
		 $refusals == .emitted - .decode_errors) as $w |
		(if $k and $r and $w and .seen >= $client then "adds-up" else "MISMATCH" end) +
		" client_refused=\($client) seen=\(.seen) emitted=\(.emitted)" +
		" rate_limited=\(rl) ringbuf_full=\(.ringbuf_full) folded=\(.folded)" +
		" received=\(.received) written=\(.written) lines=\($lines)" +
		" dropped_output=\(.dropped_output)"' <<<"$stats"
}

# bpftrace: @refused against the client's count, lines printed, lost events.
check_bpftrace() {
	local counted printed lost
	counted=$(sed -n 's/^@refused: //p' "$OUT")
	printed=$(grep -c '^refused ' "$OUT" || true)
	lost=$(cat "$OUT" "$OUT.err" | sed -n 's/.*Lost \([0-9]*\) events.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	echo "client_refused=$CLIENT_REFUSED counted=${counted:-0} printed=$printed lost=$lost"
}

stop_tracer() {
	local round=$1 cfg=$2 hwm=- check=-
	if [ -n "$TRACER_PID" ]; then
		hwm=$(mem_kb "$TRACER_PID" VmHWM)
		stop_pid "$TRACER_PID"
		case $cfg in
		*-null) ;;
		wr* | alt) check=$(check_wr) ;;
		bpftrace) check=$(check_bpftrace) ;;
		esac
	fi
	printf 'L\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$cfg" "$STARTUP_MS" "$hwm" \
		"$(foreign_tracers)" "$check" >>"$RAW"
	TRACER_PID=
	rm -f "$OUT"	# hundreds of MB with --rate-limit 0
}

one_config() {
	local round=$1 cfg=$2 what
	CLIENT_REFUSED=0
	start_tracer "$cfg"
	sleep 0.5	# let the start-up dump settle before measuring
	for what in "${MEASURES[@]}"; do
		measure "$round" "$cfg" "$what"
	done
	stop_tracer "$round" "$cfg"
	printf '   round %s %-9s done\n' "$round" "$cfg"
}

# Prints "median min max" of the numbers on stdin.
stats3() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR) print v[int((NR + 1) / 2)], v[1], v[NR]; else print "- - -" }'
}

# col TYPE CONFIG MEASURE FIELD: one field of the raw lines that match.
col() {
	awk -F'\t' -v t="$1" -v c="$2" -v m="$3" -v f="$4" \
		'$1 == t && $3 == c && (m == "" || $4 == m) { print $f }' "$RAW"
}

human_rate() {
	case $1 in
	stream*) awk -v v="$2" 'BEGIN { printf "%.2f Gbit/s", v * 8 / 1e9 }' ;;
	*) awk -v v="$2" 'BEGIN { printf "%.0f/s", v }' ;;
	esac
}

# One table row: baseline rate, then each tracer as a ratio (min-max) and its CPU.
rate_row() {
	local what=$1 cfg bmed b1 b2 med lo hi cpu line
	read -r bmed b1 b2 < <(col M none "$what" 5 | stats3)
	line="| $what | $(human_rate "$what" "$bmed")"
	line+=" ($(human_rate "$what" "$b1")-$(human_rate "$what" "$b2")) |"
	for cfg in "${CONFIGS[@]}"; do
		[ "$cfg" = none ] && continue
		read -r med lo hi < <(col M "$cfg" "$what" 5 | stats3)
		read -r cpu _ _ < <(col M "$cfg" "$what" 6 | stats3)
		line+=$(awk -v m="$med" -v l="$lo" -v h="$hi" -v b="$bmed" -v c="$cpu" 'BEGIN {
			if (b > 0 && m != "-")
				printf " %.3f (%.3f-%.3f), cpu %.1f%% |", m / b, l / b, h / b, c
			else
				printf " - |" }')
	done
	echo "$line"
}

# CPU time per operation, all CPUs: the baseline in us, each tracer as a
# ratio. Unlike a rate, steal (the hypervisor running another guest) is not
# in it, so it shows the cost an attached tracer adds to each operation.
op_cpu_row() {
	local what=$1 cfg bmed b1 b2 med lo hi line
	read -r bmed b1 b2 < <(col M none "$what" 7 | stats3)
	line=$(printf '| %s: CPU per op | %.2f us (%.2f-%.2f) |' "$what" "$bmed" "$b1" "$b2")
	for cfg in "${CONFIGS[@]}"; do
		[ "$cfg" = none ] && continue
		read -r med lo hi < <(col M "$cfg" "$what" 7 | stats3)
		line+=$(awk -v m="$med" -v l="$lo" -v h="$hi" -v b="$bmed" 'BEGIN {
			if (b > 0 && m != "-") printf " %.3f (%.3f-%.3f) |", m / b, l / b, h / b
			else printf " - |" }')
	done
	echo "$line"
}

# Tracer CPU during measurement $2, in row $1. "scaled": at the paced rate,
# scaled linearly to 100k refusals/s; "at": as measured, with the rate it
# kept up with (with a --rate-limit, userspace sees at most that many
# events/s whatever the flood, so this is its cost at the highest rate).
cpu_row() {
	local label=$1 what=$2 how=$3 cfg rate cpu line
	line="| $label | - |"
	for cfg in "${CONFIGS[@]}"; do
		[ "$cfg" = none ] && continue
		read -r rate _ _ < <(col M "$cfg" "$what" 5 | stats3)
		read -r cpu _ _ < <(col M "$cfg" "$what" 6 | stats3)
		line+=$(awk -v r="$rate" -v c="$cpu" -v how="$how" 'BEGIN {
			if (!(r > 0)) printf " - |"
			else if (how == "scaled") printf " %.1f%% of a core |", c * 100000 / r
			else printf " %.1f%% at %.0f/s |", c, r }')
	done
	echo "$line"
}

life_row() {
	local label=$1 field=$2 unit=$3 cfg med lo hi line
	line="| $label | - |"
	for cfg in "${CONFIGS[@]}"; do
		[ "$cfg" = none ] && continue
		read -r med lo hi < <(col L "$cfg" "" "$field" | grep -v '^-$' | stats3)
		if [ "$med" = - ]; then
			line+=" - |"
		elif [ "$unit" = MiB ]; then
			line+=$(awk -v m="$med" -v l="$lo" -v h="$hi" 'BEGIN {
				printf " %.1f MiB (%.1f-%.1f) |", m / 1024, l / 1024, h / 1024 }')
		else
			line+=" $med ms ($lo-$hi) |"
		fi
	done
	echo "$line"
}

print_table() {
	local cfg what head="| measurement | no tracer |" sep="|---|---|"
	for cfg in "${CONFIGS[@]}"; do
		[ "$cfg" = none ] && continue
		head+=" $cfg |"
		sep+="---|"
	done
	echo "$head"
	echo "$sep"
	for what in "${MEASURES[@]}"; do rate_row "$what"; done
	for what in "${MEASURES[@]}"; do op_cpu_row "$what"; done
	[[ " ${MEASURES[*]} " = *" refuse_paced "* ]] &&
		cpu_row "cpu per 100k refusals/s (paced, scaled linearly)" refuse_paced scaled
	[[ " ${MEASURES[*]} " = *" refuse_max "* ]] &&
		cpu_row "cpu at the highest refusal rate" refuse_max at
	life_row "startup to start record" 4 ms
	life_row "peak RSS (VmHWM)" 5 MiB
	echo
	echo "Ratios: median rate with the tracer / median without (min-max over $ROUNDS rounds);"
	echo "cpu: the tracer process's utime+stime over the measurement, % of one core (median)."
	echo "CPU per op: busy time of all CPUs (not idle, not steal) / operations; ratios as above."
	echo
	echo "Accounting, per tracer run (client_refused: ECONNREFUSED seen by the load generator):"
	awk -F'\t' '$1 == "L" && $3 != "none" { printf "  round %s %-9s %s\n", $2, $3, $7 }' "$RAW"
	print_anomalies

}

# Load generator errors, and measurements that shared the machine, in short.
print_anomalies() {
	awk -F'\t' '$1 == "M" && $8 ~ /(unexpected|timeouts|errors)=[1-9]/ {
		printf "  load errors: round %s %s %s: %s\n", $2, $3, $4, $8 }' "$RAW"
	awk -F'\t' '$1 == "M" && $8 ~ /foreign|qemu/ {
		n++; sub(/.*errors=[0-9]+ */, "", $8); what[$8]++; who[$2 " " $3]++ }
		END { if (!n) exit
		      printf "  WARNING: %d measurements shared the machine (", n
		      for (w in what) printf "%s: %d; ", w, what[w]
		      printf "runs:"; for (r in who) printf " [round %s]", r
		      print "); their ratios are noise" }' "$RAW"
}

# ---- kernel side: time in each BPF program (kernel.bpf_stats_enabled) ----

# The ids of the BPF programs process $1 holds open (other tracers may run).
prog_ids_of() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*//p' | sort -u |
		jq -sc .
}

# "id name run_time_ns run_cnt" of the programs whose ids are in JSON array $1.
prog_times() {
	bpftool prog show -j | jq -r --argjson ids "$1" \
		'.[] | select(.id as $i | $ids | index($i)) |
		 "\(.id) \(.name) \(.run_time_ns // 0) \(.run_cnt // 0)"' | sort
}

kernel_side() {
	local cfg what before after res ops ids
	BPF_STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	echo
	echo "Kernel side (kernel.bpf_stats_enabled): ns spent in each program per operation"
	echo "(an operation: one accepted connection, one refused SYN, or one 64 KiB of stream)"
	echo
	echo "| tracer | load | program | calls/op | ns/call | ns/op | % of a core |"
	echo "|---|---|---|---|---|---|---|"
	for cfg in "${CONFIGS[@]}"; do
		case $cfg in none | wr-rl0* | *-null | empty-x*) continue ;; esac
		start_tracer "$cfg"
		sleep 0.5
		ids=$(prog_ids_of "$TRACER_PID")
		for what in "${KS_MEASURES[@]}"; do
			before=$(prog_times "$ids")
			res=$(run_load "$what")
			after=$(prog_times "$ids")
			ops=$(ops_of "$res")
			join <(echo "$before") <(echo "$after") | awk -v c="$cfg" -v w="$what" \
				-v ops="$ops" -v s="$(jq -r .seconds <<<"$res")" -v sum="$WORK/ks-sum" '{
				n = $7 - $4; t = $6 - $3
				if (n > 0) printf "| %s | %s | %s | %.2f | %.0f | %.0f | %.2f%% |\n",
					c, w, $2, n / ops, t / n, t / ops, t / (s * 1e9) * 100
				all += t }
				END { printf "%s %s %.1f\n", c, w, all / ops >> sum }'
		done
		stop_pid "$TRACER_PID"
		TRACER_PID=
	done
	sysctl -qw kernel.bpf_stats_enabled="$BPF_STATS_WAS"
	BPF_STATS_WAS=
	ks_summary
}

# Each tracer's programs together, per operation, against what the operation
# costs without a tracer (all CPUs' busy time, the rounds' median): the
# share of an operation spent in them. Their dispatch is not in bpf_stats;
# the empty-* rows are the programs' floor, the rate rows above the rest.
ks_summary() {
	local cfg what ns base
	[ -s "$WORK/ks-sum" ] || return 0
	echo
	echo "| tracer | load | ns/op, all its programs | share of the operation's CPU without tracer |"
	echo "|---|---|---|---|"
	while read -r cfg what ns; do
		read -r base _ _ < <(col M none "$what" 7 | stats3)
		awk -v c="$cfg" -v w="$what" -v ns="$ns" -v b="$base" 'BEGIN {
			if (b > 0) printf "| %s | %s | %.0f | %.2f%% |\n", c, w, ns, ns / (b * 1000) * 100
			else printf "| %s | %s | %.0f | - |\n", c, w, ns }'
	done <"$WORK/ks-sum"
}

main() {
	local round i n cfg
	need_root
	[ "${BENCH_PREBUILT:-0}" = 1 ] || build_tools
	[[ " ${CONFIGS[*]} " = *" bpftrace "* ]] && { need_bpftrace; need_tracefs; }
	setup_netns
	setup_ruleset "$RULESET"
	start_server $CLOSE_PORT close
	start_server $SINK_PORT sink
	echo "== whyrefused benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r)," \
		"$(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1))"
	echo "   $ROUNDS rounds x ${#CONFIGS[@]} configurations x ${#MEASURES[@]} measurements x ${SECS}s," \
		"ruleset: $RULESET"
	[ -z "$(other_load)" ] ||
		echo "   WARNING: the machine is shared ($(other_load)): ratios may be noise"
	calibrate
	: >"$RAW"
	n=${#CONFIGS[@]}
	for ((round = 1; round <= ROUNDS; round++)); do
		# A rotated order each round: no configuration always runs first.
		for ((i = 0; i < n; i++)); do
			cfg=${CONFIGS[$(((i + round - 1) % n))]}
			one_config "$round" "$cfg"
		done
	done
	echo
	print_table
	[ "${BENCH_BPF_STATS:-1}" = 1 ] && kernel_side
	mkdir -p "$OUTDIR"
	cp "$RAW" "$OUTDIR/raw-$(date -u +%Y%m%dT%H%M%S).tsv"
	echo
	echo "raw data: $OUTDIR/raw-*.tsv"
}

main "$@"
