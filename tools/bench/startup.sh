#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# tools/bench/startup.sh (make bench-start, and part of make bench): time
# from exec to the `start` record (BTF read, hook plan, BPF load and attach,
# listeners dumped, their owners found in /proc), and the CPU used until
# then, with 1, 100 and 1000 network namespaces, each holding a listener
# (one process holds them all: listen_netns.c). Median of STARTUP_RUNS runs
# (tools/bench/start_time.c), each killed once it has started.
# Measurements, never pass/fail.
#
# Knobs: STARTUP_COUNTS ("1 100 1000"), STARTUP_RUNS (7),
# STARTUP_ALT=/path/to/whyrefused: another build measured in the same
# rounds, with the ratio this/alt (a change side by side with the tree).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
WR=${WR:-$ROOT/$BUILD/whyrefused}
HOLDER=$ROOT/$BUILD/bench/listen_netns
CLOCK=$ROOT/$BUILD/bench/start_time
RUNS=${STARTUP_RUNS:-7}
ALT=${STARTUP_ALT:-}
PREFIX=wrs-$$-
WORK=$(mktemp -d /dev/shm/whyrefused-startup.XXXXXX)
HOLDER_PID=

source "$ROOT/tools/bench/netns_pool.sh"
trap pool_cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" -eq 0 ] || { echo "startup.sh: needs root" >&2; exit 1; }


# measure BINARY: "median ms (min-max) | CPU ms", from start_time's last line.
measure() {
	"$CLOCK" "$RUNS" "$1" --json >"$WORK/runs"
	awk '/^median/ { sub(/,$/, "", $4); printf "%s ms %s | %s ms", $2, $4, $7 }' "$WORK/runs"
}

median_of() { awk '{ print $1 }' <<<"$1"; }
cpu_of() { awk -F'|' '{ print $2 + 0 }' <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "whyrefused startup, $(nproc) CPUs, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs each"
echo
if [ -n "$ALT" ]; then
	echo "| namespaces | exec to start record | CPU before it | alt ($ALT) | alt CPU | this / alt: wall, CPU |"
	echo "|---|---|---|---|---|---|"
else
	echo "| namespaces | exec to start record | CPU before it | vs 1 namespace |"
	echo "|---|---|---|---|"
fi
first=
for n in ${STARTUP_COUNTS:-1 100 1000}; do
	namespaces "$n"
	line=$(measure "$WR")
	med=$(median_of "$line")
	if [ -n "$ALT" ]; then
		alt=$(measure "$ALT")
		echo "| $n | $line | $alt | $(ratio "$med" "$(median_of "$alt")"), $(ratio "$(cpu_of "$line")" "$(cpu_of "$alt")") |"
	else
		[ -n "$first" ] || first=$med
		echo "| $n | $line | $(ratio "$med" "$first") |"
	fi
done
echo
echo "Wall: median (min-max) from fork to the start record's line; CPU: all threads'"
echo "time on a CPU until then (schedstat), median. On a loaded machine the wall time"
echo "grows with the load; the CPU time much less."
