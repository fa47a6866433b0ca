#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# tools/bench/idle.sh (make bench-idle): what staying attached costs on a
# host with many network namespaces and no traffic: the tracer's startup
# (exec to the `start` record: namespaces scanned, listeners dumped, owners
# found in /proc, conntrack watched), its CPU while idle (the default mode,
# whose sock_diag polls grow with the namespaces; --all-hooks) and its peak memory, with
# 1, 100 and 1000 namespaces, each holding a listener (one process holds
# them all: tools/bench/listen_netns.c). Measurements, never pass/fail.
#
# Knobs: IDLE_COUNTS ("1 100 1000"), IDLE_SECS (20) per tracer run.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WR=${WR:-$ROOT/build/whyrefused}
HOLDER=$ROOT/build/bench/listen_netns
SECS=${IDLE_SECS:-20}
CLK_TCK=$(getconf CLK_TCK)
PREFIX=wri-$$-
WORK=$(mktemp -d /dev/shm/whyrefused-idle.XXXXXX)
HOLDER_PID=

source "$ROOT/tools/bench/netns_pool.sh"
trap pool_cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" -eq 0 ] || { echo "idle.sh: needs root" >&2; exit 1; }

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ms_now() { date +%s%3N; }

# run MODE...: startup ms, idle CPU % of one core, peak RSS kB (one line).
run() {
	local t0 t1 pid i c0 c1 start_ms rss
	t0=$(ms_now)
	"$WR" --json --duration $((SECS + 30)) "$@" >"$WORK/out" 2>"$WORK/err" &
	pid=$!
	for ((i = 0; i < 600; i++)); do grep -q '"event":"start"' "$WORK/out" && break; sleep 0.01; done
	t1=$(ms_now)
	start_ms=$((t1 - t0))
	sleep 2	# the first polls and owner scans are startup, not idle
	c0=$(cpu_ticks "$pid")
	sleep "$SECS"
	c1=$(cpu_ticks "$pid")
	rss=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
	kill -INT "$pid"
	wait "$pid" || true
	awk -v s="$start_ms" -v c=$((c1 - c0)) -v hz="$CLK_TCK" -v secs="$SECS" -v r="$rss" \
		'BEGIN { printf "%6d ms | %6.2f%% | %7d kB", s, 100 * c / hz / secs, r }'
}

echo "whyrefused idle, $(nproc) CPUs, kernel $(uname -r), $SECS s per run"
echo
echo "| namespaces | mode | startup | CPU (one core) | peak RSS |"
echo "|---|---|---|---|---|"
for n in ${IDLE_COUNTS:-1 100 1000}; do
	namespaces "$n"
	for mode in default --all-hooks; do
		if [ $mode = default ]; then line=$(run); else line=$(run --all-hooks); fi
		echo "| $n | $mode | ${line//|/ | } |" | tr -s ' '
	done
done
