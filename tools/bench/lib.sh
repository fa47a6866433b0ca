# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash disable=SC2034
# Sourced by bench.sh and soak.sh: a server and a client network namespace
# joined by veth (made here, deleted on exit, pass or fail), the load
# generator's servers in the server namespace, and ways to watch a process's
# CPU time and memory from /proc.
#
#   server netns  veth  192.0.2.1/24  198.51.100.1/24   loadgen serve: 9000 close, 9001 sink
#   client netns  veth  192.0.2.2/24  198.51.100.2/24
#   nothing listens on 20000-29999: the refused ports

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WR=${WR:-$ROOT/build/whyrefused}
LOADGEN=$ROOT/build/bench/loadgen
SRV=wrb-s-$$
CLI=wrb-c-$$
SRV4=192.0.2.1 CLI4=192.0.2.2
CLOSE_PORT=9000 SINK_PORT=9001 REFUSED_PORTS=20000-29999
# tmpfs: the tracer's output file costs memory bandwidth, not disk latency.
WORK=$(mktemp -d /dev/shm/whyrefused-bench.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
KILL_PIDS=()		# every process we start; ended one by one by pid
MOUNTED_TRACEFS=
BPF_STATS_WAS=

bench_cleanup() {
	local rc=$? p
	for p in "${KILL_PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	ip netns del "$SRV" 2>/dev/null || true
	ip netns del "$CLI" 2>/dev/null || true
	[ -n "$BPF_STATS_WAS" ] && sysctl -qw kernel.bpf_stats_enabled="$BPF_STATS_WAS" || true
	[ -n "$MOUNTED_TRACEFS" ] && umount /sys/kernel/tracing 2>/dev/null || true
	if [ $rc -ne 0 ] && [ -d "$WORK" ]; then
		echo "--- failed (exit $rc); last tracer stderr:" >&2
		tail -n 5 "$WORK"/*.err 2>/dev/null >&2 || true
	fi
	rm -rf "$WORK"
	exit $rc
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "${0##*/}: $*" >&2; exit 1; }
srv() { ip netns exec "$SRV" "$@"; }
cli() { ip netns exec "$CLI" "$@"; }

need_root() { [ "$(id -u)" -eq 0 ] || die "needs root (namespaces, BPF)"; }

build_tools() {
	make -s -C "$ROOT" build/whyrefused build/bench/loadgen build/bench/empty.bpf.o \
		build/bench/empty_tracer
}

setup_netns() {
	ip netns add "$SRV"
	ip netns add "$CLI"
	ip link add wb-s netns "$SRV" type veth peer name wb-c netns "$CLI"
	srv ip addr add $SRV4/24 dev wb-s
	srv ip addr add 198.51.100.1/24 dev wb-s
	cli ip addr add $CLI4/24 dev wb-c
	cli ip addr add 198.51.100.2/24 dev wb-c
	srv ip link set lo up
	cli ip link set lo up
	srv ip link set wb-s up
	cli ip link set wb-c up
	# Many ports, and a deep accept queue: the load, not a limit, sets the rate.
	cli sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
	srv sysctl -qw net.core.somaxconn=4096
}

# setup_ruleset none|nft: the server namespace's firewall. nft: what a
# server's stateful input chain looks like (conntrack, established first,
# the open ports, a blocklist), every port left open so refusals stay RSTs.
setup_ruleset() {
	case $1 in
	none) ;;
	nft)
		srv nft -f - <<-'EOF'
		table inet bench_filter {
			set blocked { type ipv4_addr; elements = { 203.0.113.7 } }
			chain input {
				type filter hook input priority filter; policy accept;
				ct state established,related accept
				ct state invalid drop
				iifname "lo" accept
				ip saddr @blocked drop
				tcp dport { 22, 9000, 9001 } accept
				meta l4proto icmp accept
			}
		}
		EOF
		;;
	*) die "BENCH_RULESET must be none or nft" ;;
	esac
}

# start_server PORT close|sink: one loadgen server per thread, running on return.
start_server() {
	local port=$1 kind=$2 fifo=$WORK/serve.$1 line
	mkfifo "$fifo"
	# Not through srv(): $! must be loadgen itself (ip netns exec execs it).
	ip netns exec "$SRV" "$LOADGEN" serve 0.0.0.0 "$port" -k "$kind" -t 2 -d 3600 >"$fifo" &
	KILL_PIDS+=($!)
	disown $!	# killed at exit without a "Killed" line from the shell
	read -r -t 5 line <"$fifo" || true
	[ "$line" = listening ] || die "loadgen server on $port did not start"
}

# CPU time of PID, all threads, in clock ticks: utime + stime of /proc/PID/stat.
cpu_ticks() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
	stat=${stat##*) }	# comm may hold spaces: fields after it
	set -- $stat
	echo $((${12} + ${13}))
}

# Busy ticks of all CPUs (/proc/stat: user, nice, system, irq, softirq; guest
# time is inside user): idle, iowait and steal, the time a hypervisor gave
# to someone else, left out.
busy_ticks() {
	local _cpu user nice system idle iowait irq softirq rest
	read -r _cpu user nice system idle iowait irq softirq rest </proc/stat
	echo $((user + nice + system + irq + softirq))
}

# The operations in loadgen's JSON line $1: connections, refusals, or 64 KiB.
ops_of() {
	jq -r '(.accepted // .refused // (.bytes / 65536))' <<<"$1"
}

# kB of a /proc/PID/status field (VmHWM: peak RSS, VmRSS: now).
mem_kb() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# stop_pid PID: SIGINT, as Ctrl-C; bounded wait, then SIGKILL.
stop_pid() {
	local pid=$1 i
	kill -INT "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# wait_line FILE PATTERN SECS: polls (every ~2 ms, for at most SECS seconds)
# until FILE has a line matching PATTERN.
wait_line() {
	local end=$((SECONDS + $3))
	while ((SECONDS < end)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.002
	done
	return 1
}

# Other tracers attached to the same tracepoints slow every run, baseline too.
foreign_tracers() {
	local p n=0
	for p in $(pgrep -x whyrefused; pgrep -x bpftrace); do
		[ "$p" = "${TRACER_PID:-}" ] || n=$((n + 1))
	done
	echo $n
}

# What else competes for the CPU: other tracers, a VM (tools/vmtest.sh).
other_load() {
	local n
	n=$(foreign_tracers)
	[ "$n" -gt 0 ] && printf ' foreign=%s' "$n"
	pgrep -f qemu-system >/dev/null && printf ' qemu'
	return 0
}

# RFC 3339 with nanoseconds -> seconds since the epoch, with fraction.
rfc3339_to_epoch() {
	local ts=$1
	printf '%s.%s\n' "$(date -u -d "${ts%%.*}Z" +%s)" "$(sed 's/.*\.\([0-9]*\)Z$/\1/' <<<"$ts")"
}
