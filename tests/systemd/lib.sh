# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
# Sourced by every scenario under tests/systemd/. They run as root inside the
# throw-away Debian 12 guest of tools/vm/systemd_guest.sh (make vmsystemd),
# where systemd is PID 1 and Debian's own ssh.service listens on 22 in the
# root network namespace: never on a development machine.
#
#   client netns $CLI   veth wrs-c  192.0.2.2/24
#   root netns          veth wrs-h  192.0.2.1/24  (the guest's own sshd answers here)
#
# A scenario brings a unit into a state (stopped, disabled, failed...),
# records the facts systemd gives about it (record_unit_facts: the
# `systemctl show` properties and the last journal lines, into
# /out/TEST.facts), starts the tracer, connects from the client and asserts
# on the refusal record. On exit, pass or fail, everything is undone and
# ssh.service is back to the image's state (enabled, running, stock
# sshd_config), so scenarios can follow one another in one boot.

set -euo pipefail

WRDIR=${WRDIR:-/wr}
WR=${WR:-$WRDIR/whyrefused}
HELPERS=${HELPERS:-$WRDIR/tests}
OUTDIR=${WR_OUT:-/out}
TEST=$(basename "$0" .sh)
FACTS=$OUTDIR/$TEST.facts
HOST4=192.0.2.1 CLI4=192.0.2.2
CLI=wrs-c-$$
HOSTDEV=wrs-h
WORK=$(mktemp -d /tmp/wr-systemd.XXXXXX)
OUT=$WORK/tracer.json
ERR=$WORK/tracer.err
TXT=$WORK/tracer.txt	# the text-mode tracer's output (WR_TEXT=1 start_tracer)
SSHD_ORIG=/etc/ssh/sshd_config.wr-orig	# saved by tools/vm/systemd_guest.sh
TRACER_PID=
TEXT_PID=
ON_EXIT=()	# commands undoing what a scenario made (units, drop-ins), run last first

# What the next engineer asserts on (issue 23): the unit's state as systemd shows it.
UNIT_PROPS=ActiveState,SubState,Result,ExecMainStatus,ExecMainCode,NRestarts,UnitFileState,InactiveEnterTimestamp

mkdir -p "$OUTDIR"
: >"$FACTS"

cleanup() {
	local rc=$? p
	trap - EXIT
	set +e
	[ -n "$TRACER_PID" ] && kill -9 "$TRACER_PID" 2>/dev/null
	[ -n "$TEXT_PID" ] && kill -9 "$TEXT_PID" 2>/dev/null
	for ((p = ${#ON_EXIT[@]} - 1; p >= 0; p--)); do eval "${ON_EXIT[p]}" >/dev/null 2>&1; done
	ip netns del "$CLI" 2>/dev/null
	ip link del "$HOSTDEV" 2>/dev/null
	[ -s "$OUT" ] && cp "$OUT" "$OUTDIR/$TEST.tracer.json"
	[ -s "$ERR" ] && cp "$ERR" "$OUTDIR/$TEST.tracer.err"
	[ -s "$TXT" ] && cp "$TXT" "$OUTDIR/$TEST.tracer.txt"
	if [ $rc -ne 0 ]; then
		echo "--- $TEST failed; tracer stdout:"; cat "$OUT" 2>/dev/null
		echo "--- tracer stderr:"; cat "$ERR" 2>/dev/null
		echo "--- systemctl status ssh.service:"; systemctl status --no-pager -n 5 ssh.service 2>&1
	fi
	restore_ssh || { echo "FAIL $TEST: could not restore ssh.service for the next scenario"; rc=1; }
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL $TEST: $*" >&2; exit 1; }
pass() { echo "ok   $TEST${1:+: $1}"; }
cli() { ip netns exec "$CLI" "$@"; }
note() { echo "# $*"; }

# wait_until SECS WHAT CMD...: polls CMD every 0.2 s until it succeeds, at
# most SECS seconds (wall clock: the guest is emulated); fails with WHAT.
wait_until() {
	local secs=$1 what=$2 end
	shift 2
	end=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || fail "timed out after $secs s waiting for $what"
		sleep 0.2
	done
}

listening() { [ -n "$(ss -Hltn "sport = :$1")" ]; }
not_listening() { ! listening "$1"; }
unit_failed() { systemctl is-failed -q "$1"; }
unit_active() { systemctl is-active -q "$1"; }
# The unit has left activating/deactivating/auto-restart for good.
unit_settled() {
	case $(systemctl show -P SubState "$1") in
	auto-restart | start-pre | start | start-post | stop* | final* | reload) return 1 ;;
	esac
}

# The guest itself as the scenarios expect it: systemd is PID 1, the boot
# finished, the tool and the helpers are there, sshd listens on 22.
check_guest() {
	local state
	assert_eq "$(cat /proc/1/comm)" systemd "PID 1"
	state=$(systemctl is-system-running || true)
	case $state in running | degraded) ;; *) fail "system is $state" ;; esac
	[ -x "$WR" ] || fail "no tracer at $WR"
	[ -x "$HELPERS/tcp_connect" ] || fail "no tcp_connect helper in $HELPERS"
	[ -e /sys/kernel/btf/vmlinux ] || fail "the kernel has no BTF"
	unit_active ssh.service || fail "ssh.service is $(systemctl is-active ssh.service) at the start"
	wait_until 30 "sshd on port 22 at the start" listening 22
}

# The client namespace, joined to the guest's root namespace by a veth.
setup_client() {
	ip netns add "$CLI"
	ip link add "$HOSTDEV" type veth peer name wrs-c netns "$CLI"
	ip addr add "$HOST4/24" dev "$HOSTDEV"
	ip link set "$HOSTDEV" up
	cli ip addr add "$CLI4/24" dev wrs-c
	cli ip link set lo up
	cli ip link set wrs-c up
}

# connect_client PORT [TIMEOUT_MS]: what the client saw (connected, refused, timeout...).
connect_client() {
	cli "$HELPERS/tcp_connect" "$HOST4" "$1" "${2:-3000}" || true
}

# wait_json FILE FILTER [SECS]: the first line of FILE matching the jq
# filter, printed; fails after SECS (wall clock).
wait_json() {
	local file=$1 filter=$2 secs=${3:-30} end line
	end=$((SECONDS + secs))
	while :; do
		line=$(jq -c "select($filter)" "$file" 2>/dev/null | head -n 1 || true)
		[ -n "$line" ] && { echo "$line"; return 0; }
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

# start_tracer [OPTION...]: whyrefused --json in the background, output in
# $OUT; returns once it printed its start record. WR_TEXT=1: a second one
# in text mode, output in $TXT (assert_text); a scenario asks for it where
# the words matter (under emulation a second tracer costs seconds).
start_tracer() {
	local i
	"$WR" --json --duration "${WR_DURATION:-60}" "$@" >"$OUT" 2>"$ERR" &
	TRACER_PID=$!
	if [ "${WR_TEXT:-0}" = 1 ]; then
		"$WR" --color never --duration "${WR_DURATION:-60}" "$@" >"$TXT" 2>"$TXT.err" &
		TEXT_PID=$!
	fi
	wait_json "$OUT" '.event == "start"' 60 >/dev/null ||
		fail "tracer did not print its start record: $(tail -n 5 "$ERR")"
	[ -n "$TEXT_PID" ] || return 0
	for ((i = 0; i < 300; i++)); do
		grep -q "watching refused" "$TXT.err" 2>/dev/null && return 0
		sleep 0.2
	done
	fail "text tracer did not start: $(tail -n 5 "$TXT.err")"
}

# assert_text TEXT: the text-mode tracer printed TEXT (waits up to 30 s).
assert_text() {
	local i
	[ -n "$TEXT_PID" ] || fail "assert_text without a text tracer (WR_TEXT=1 start_tracer)"
	for ((i = 0; i < 150; i++)); do
		grep -qF -- "$1" "$TXT" 2>/dev/null && return 0
		sleep 0.2
	done
	fail "expected '$1' in the text output: $(tail -n 5 "$TXT")"
}

# wait_refusal PORT [JQ-CONDITION] [SECS]: the refusal record for a SYN from
# the client to $HOST4:PORT, printed.
wait_refusal() {
	wait_json "$OUT" ".event == \"refusal\" and .daddr == \"$HOST4\" and .dport == $1 and (${2:-true})" \
		"${3:-30}" || fail "no refusal record for $HOST4:$1 (${2:-true})"
}

stop_tracer() {
	if [ -n "$TEXT_PID" ]; then
		kill -INT "$TEXT_PID" 2>/dev/null || true
		wait "$TEXT_PID" || fail "text tracer exited $? on SIGINT"
		TEXT_PID=
	fi
	[ -n "$TRACER_PID" ] || return 0
	kill -INT "$TRACER_PID" 2>/dev/null || true
	wait "$TRACER_PID" || fail "tracer exited $? on SIGINT"
	TRACER_PID=
}

# The whole check every scenario makes today: the client is refused on PORT
# and the tracer says no socket listens there. Prints the record.
refused_no_listener() {
	local port=$1 line
	assert_eq "$(connect_client "$port")" refused "the client connecting to $HOST4:$port"
	line=$(wait_refusal "$port")
	assert_field "$line" cause no_listener
	assert_field "$line" dport "$port"
	assert_field "$line" daddr "$HOST4"
	assert_field "$line" saddr "$CLI4"
	echo "$line"
}

assert_eq() { [ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"; }
assert_contains() { case "$1" in *"$2"*) ;; *) fail "expected '$2' in: $1" ;; esac; }
# assert_field JSON FIELD VALUE: jq's .FIELD of the record (raw) is VALUE.
assert_field() {
	local got
	got=$(jq -r ".$2" <<<"$1")
	[ "$got" = "$3" ] || fail "$2: expected '$3', got '$got' in $1"
}

# record_unit_facts UNIT [LABEL]: what systemd says about UNIT now, into
# $FACTS and the log: the properties the tool is to report, the unit's last
# three journal lines, and for ssh.service the port sshd -T configures.
record_unit_facts() {
	local unit=$1 label=${2:-$1}
	{
		# Whether systemd still holds the unit (an inactive unit nothing
		# wants is garbage-collected: D-Bus GetUnit fails, LoadUnit and
		# `systemctl show` load it afresh, with no runtime state).
		echo "## $label: in systemd's memory: $(systemctl list-units --all --plain --no-legend "$unit" |
			grep -q . && echo yes || echo "no (garbage-collected)")"
		echo "## $label: systemctl show -p $UNIT_PROPS $unit"
		systemctl show -p "$UNIT_PROPS" "$unit"
		echo "## $label: journalctl -u $unit -n 3 -o cat"
		journalctl -u "$unit" -n 3 -o cat --no-pager
		if [ "$unit" = ssh.service ]; then
			# sshd -T needs /run/sshd, the unit's RuntimeDirectory: gone
			# whenever the unit is not running.
			echo "## $label: sshd -T (port and listenaddress lines, or its error and exit status)"
			local out rc=0
			out=$(/usr/sbin/sshd -T 2>&1) || rc=$?
			if [ $rc -eq 0 ]; then grep -E '^(port|listenaddress) ' <<<"$out" || true
			else echo "$out" | head -n 3; echo "(exit status $rc)"; fi
		fi
	} | tee -a "$FACTS"
}

# record_journal UNIT LINES LABEL: more of the unit's journal than the last
# three lines (what came before "Start request repeated too quickly"...).
record_journal() {
	{
		echo "## $3: journalctl -u $1 -n $2 -o cat"
		journalctl -u "$1" -n "$2" -o cat --no-pager
	} | tee -a "$FACTS"
}

# ssh.service as the image has it: stock sshd_config, no drop-in, enabled,
# running, listening on 22 (bounded).
restore_ssh() {
	local reload=0 restart=0
	if ! cmp -s "$SSHD_ORIG" /etc/ssh/sshd_config; then
		cp -p "$SSHD_ORIG" /etc/ssh/sshd_config
		restart=1
	fi
	if [ -d /etc/systemd/system/ssh.service.d ]; then
		rm -rf /etc/systemd/system/ssh.service.d
		reload=1 restart=1
	fi
	[ $reload = 1 ] && systemctl daemon-reload
	systemctl reset-failed ssh.service 2>/dev/null || true
	# Without update-rc.d (three daemon-reloads under emulation, 20 s): the
	# rc?.d links do not matter, ssh.service is a native unit.
	systemctl is-enabled -q ssh.service || SYSTEMCTL_SKIP_SYSV=1 systemctl enable -q ssh.service
	if [ $restart = 1 ] || ! unit_active ssh.service; then systemctl restart ssh.service; fi
	local i
	for ((i = 0; i < 150; i++)); do listening 22 && return 0; sleep 0.2; done
	return 1
}
