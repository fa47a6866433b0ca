# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Sourced by every integration scenario: a server and a client network
# namespace joined by veth, the tracer running with --json, and assertions
# on the lines it printed. Everything is undone on exit, pass or fail.
#
#   server netns  veth  192.0.2.1/24  198.51.100.1/24  2001:db8::1/64
#   client netns  veth  192.0.2.2/24  198.51.100.2/24  2001:db8::2/64

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WR=${WR:-$ROOT/${BUILD:-build}/whyrefused}
# WR_BACKEND (tools/vmtest.sh) forces a backend on every tracer a scenario starts.
BACKEND_OPT=()
[ -n "${WR_BACKEND:-}" ] && BACKEND_OPT=(--backend "$WR_BACKEND")
HELPERS=$ROOT/${BUILD:-build}/tests
TEST=$(basename "$0" .sh)
SRV=wrt-s-$$
CLI=wrt-c-$$
SRV4=192.0.2.1 CLI4=192.0.2.2 SRV4B=198.51.100.1 CLI4B=198.51.100.2
SRV6=2001:db8::1 CLI6=2001:db8::2
WORK=$(mktemp -d /tmp/whyrefused-test.XXXXXX)
OUT=$WORK/tracer.json
ERR=$WORK/tracer.err
TXT=$WORK/tracer.txt
PIDS=()
EXTRA_NETNS=()	# more namespaces a scenario makes, deleted by cleanup
ON_EXIT=()	# commands undoing what a scenario made outside namespaces (containers...)
TRACER_PID=
TEXT_PID=

cleanup() {
	local rc=$?
	local p
	for ((p = ${#ON_EXIT[@]} - 1; p >= 0; p--)); do eval "${ON_EXIT[p]}" >/dev/null 2>&1 || true; done
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	[ -n "$TRACER_PID" ] && kill -9 "$TRACER_PID" 2>/dev/null || true
	[ -n "$TEXT_PID" ] && kill -9 "$TEXT_PID" 2>/dev/null || true
	ip netns del "$SRV" 2>/dev/null || true
	ip netns del "$CLI" 2>/dev/null || true
	ip netns del "$OTHER" 2>/dev/null || true
	for p in "${EXTRA_NETNS[@]}"; do ip netns del "$p" 2>/dev/null || true; done
	if [ $rc -ne 0 ]; then
		echo "--- $TEST failed; tracer stdout:"; cat "$OUT" 2>/dev/null || true
		echo "--- tracer stderr:"; cat "$ERR" 2>/dev/null || true
		if [ -s "$TXT" ]; then echo "--- text tracer:"; cat "$TXT"; fi
	fi
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL $TEST: $*" >&2; exit 1; }
pass() { echo "ok   $TEST${1:+: $1}"; }

srv() { ip netns exec "$SRV" "$@"; }
# A third namespace, e.g. a container with its own listeners.
OTHER=wrt-o-$$
other() { ip netns exec "$OTHER" "$@"; }
cli() { ip netns exec "$CLI" "$@"; }

setup_pair() {
	ip netns add "$SRV"
	ip netns add "$CLI"
	# Made inside the namespaces: parallel runs never share a device name.
	ip link add wr-s netns "$SRV" type veth peer name wr-c netns "$CLI"
	srv ip addr add $SRV4/24 dev wr-s
	srv ip addr add $SRV4B/24 dev wr-s
	srv ip addr add $SRV6/64 dev wr-s nodad
	cli ip addr add $CLI4/24 dev wr-c
	cli ip addr add $CLI4B/24 dev wr-c
	cli ip addr add $CLI6/64 dev wr-c nodad
	srv ip link set lo up
	cli ip link set lo up
	srv ip link set wr-s up
	cli ip link set wr-c up
}

# setup_backend: a third namespace ($OTHER, a container or a server behind
# this one) at $BACK4 on 203.0.113.0/24, routed by the server namespace
# ($GW4), which forwards.
BACK4=203.0.113.5 GW4=203.0.113.1
setup_backend() {
	ip netns add "$OTHER"
	other ip link set lo up
	ip link add wr-b netns "$SRV" type veth peer name wr-o netns "$OTHER"
	srv ip addr add $GW4/24 dev wr-b
	srv ip link set wr-b up
	other ip addr add $BACK4/24 dev wr-o
	other ip link set wr-o up
	other ip route add default via $GW4
	srv sysctl -qw net.ipv4.ip_forward=1
}

# srv_input_table NAME RULE...: an inet table in the server netns whose input
# chain (filter priority, policy accept) holds the given rules.
srv_input_table() {
	local name=$1 rules="" r
	shift
	for r in "$@"; do rules+=$'\t\t'"$r"$'\n'; done
	srv nft -f - <<NFT
table inet $name {
	chain input {
		type filter hook input priority 0; policy accept;
$rules	}
}
NFT
}

srv_netns_inode() { stat -L -c %i "/run/netns/$SRV"; }

# Waits (bounded) until FILE has a line matching the jq filter; prints it.
wait_json() {
	local file=$1 filter=$2 secs=${3:-10} i line end
	# Wall-clock seconds: under emulation one jq takes a good part of a
	# second, and a tracer's first nft call several: three times as long there.
	[ -n "${WR_VM:-}" ] && secs=$((secs * 3))
	end=$((SECONDS + secs))
	for ((i = 0; i < secs * 20 && (i < 2 || SECONDS < end); i++)); do
		line=$(jq -c "select($filter)" "$file" 2>/dev/null | head -n 1 || true)
		if [ -n "$line" ]; then echo "$line"; return 0; fi
		sleep 0.05
	done
	return 1
}

# Starts the tracer twice with the given options: with --json (asserted on
# through $OUT) and in text mode (through $TXT, see assert_text); waits
# until both are attached. WR_BACKEND forces a backend (tools/vmtest.sh).
# WR_TEXT=0 (the VMs) starts the JSON tracer only: text is userspace's
# rendering of the same facts, asserted on the host; under emulation a
# second tracer per scenario costs a third of the suite's time.
start_tracer() {
	local i
	"$WR" --json --duration 120 ${WR_BACKEND:+--backend "$WR_BACKEND"} ${WR_OPTS:-} "$@" >"$OUT" 2>"$ERR" &
	TRACER_PID=$!
	if [ "${WR_TEXT:-1}" = 0 ]; then
		wait_json "$OUT" '.event == "start"' 15 >/dev/null ||
			fail "tracer did not print its start record"
		return 0
	fi
	"$WR" --duration 120 ${WR_BACKEND:+--backend "$WR_BACKEND"} ${WR_OPTS:-} ${TEXT_OPTS:-} "$@" \
		>"$TXT" 2>"$TXT.err" &
	TEXT_PID=$!
	wait_json "$OUT" '.event == "start"' 15 >/dev/null ||
		fail "tracer did not print its start record"
	for ((i = 0; i < 300; i++)); do
		grep -q "watching refused" "$TXT.err" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "text tracer did not start: $(cat "$TXT.err")"
}

# assert_text TEXT: the text-mode tracer printed TEXT (waits up to 5 s).
assert_text() {
	local i
	[ "${WR_TEXT:-1}" = 0 ] && return 0	# no text tracer (see start_tracer)
	for ((i = 0; i < 100; i++)); do
		grep -qF -- "$1" "$TXT" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "expected '$1' in the text output"
}

# Stops the tracer like Ctrl-C would; it must exit 0 with a final stats record.
stop_tracer() {
	local rc=0 i
	kill -INT "$TRACER_PID"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$TRACER_PID" 2>/dev/null || break
		sleep 0.05
	done
	wait "$TRACER_PID" || rc=$?
	TRACER_PID=
	[ $rc -eq 0 ] || fail "tracer exited $rc on SIGINT"
	if [ -n "$TEXT_PID" ]; then
		kill -INT "$TEXT_PID"
		wait "$TEXT_PID" || fail "text tracer exited $? on SIGINT"
		TEXT_PID=
	fi
	wait_json "$OUT" '.event == "stats" and .final == true' 1 >/dev/null ||
		fail "no final stats record"
	validate_json "$OUT"
	record_facts
}

# Every line the JSON tracer wrote is a record of the published schema
# (tools/schema/whyrefused.schema.json), checked with Debian's
# python3-jsonschema. Not in the VMs: no Python packages for it there, and
# the records are userspace's, the same code as here.
validate_json() {
	local out py
	[ -n "${WR_VM:-}" ] && return 0
	for py in /usr/bin/python3 python3 ""; do	# Debian's, else whatever is first
		[ -n "$py" ] && "$py" -c 'import jsonschema' 2>/dev/null && break
	done
	[ -n "$py" ] || fail "python3-jsonschema is missing (make deps installs it)"
	out=$("$py" "$ROOT/tools/schema/validate.py" "$1" 2>&1) ||
		fail "a record off the JSON schema: $out"
}

# With WR_FACTS_DIR set (tools/vmtest.sh), keeps what the JSON lines said
# that must not depend on the backend: cause, reason, reply, listeners, the
# rule once found... without ports, pids, times or counts that vary from run
# to run. vmtest compares these files across backends.
record_facts() {
	[ -n "${WR_FACTS_DIR:-}" ] || return 0
	mkdir -p "$WR_FACTS_DIR"
	# A firewall's first blocked SYN of a flow (its rule pending) is told
	# by its answer where the backend sees it at once (REJECT kprobes) and
	# is firewall_blocked where it does not (tracepoints, the default mode):
	# that differs by design, so facts keep the retries, whose must agree.
	{ cat "$WR_FACTS_DIR/$TEST" 2>/dev/null || true	# a second tracer adds to the first's
	jq -c 'select(.event == "refusal" and .cause != "firewall_blocked" and
		(.rule.status // "") != "pending retry") | {
		cause, reason, family, saddr, daddr, dport, reply, client_sees,
		listeners: ([.listeners[]? | {addr, port, comm, relation}] | sort),
		last_listener: (.last_listener | if . then {addr, port, comm} else null end),
		blocker: (.blocker | if . then {kind, program, attach: (.attach // "" | sub(" [0-9]+$"; ""))} else null end),
		rule: (.rule | if . == null then null
			elif .status == "found" then
				{backend, status, family, table, chain, handle, number, policy, text, verdict}
			else {backend, status, verdict} end)
	}' "$OUT"; } | sort -u >"$WR_FACTS_DIR/$TEST.new"
	mv "$WR_FACTS_DIR/$TEST.new" "$WR_FACTS_DIR/$TEST"
}

# start_listener NETNS ADDR PORT [BACKLOG [FLAGS]]: a real listener, running
# when this returns; its pid is in $LISTENER_PID. LISTEN_PRE, if set, is
# shell run first in the listener's own process (a cgroup to join, ulimit:
# nsenter, as `ip netns exec` remounts /sys without the cgroup trees),
# LISTEN_AS a uid to run it as.
start_listener() {
	local ns=$1 addr=$2 port=$3 fifo=$WORK/listen.$RANDOM line
	local as=()
	[ -n "${LISTEN_AS:-}" ] && as=(setpriv --reuid "$LISTEN_AS" --regid "$LISTEN_AS" --clear-groups)
	mkfifo "$fifo"
	nsenter --net="/run/netns/$ns" bash -c "${LISTEN_PRE:-}"$'\n''exec "$@"' listener "${as[@]}" \
		"$HELPERS/tcp_listen" "$addr" "$port" ${4:-128} ${5:-} >"$fifo" &
	LISTENER_PID=$!
	PIDS+=($!)
	disown $!
	read -r -t 5 line <"$fifo" || true
	[ "$line" = listening ] || fail "listener on $addr:$port did not start"
}

# connect_from_client ADDR PORT [TIMEOUT_MS [SRC]]: prints what the client saw.
connect_from_client() {
	cli "$HELPERS/tcp_connect" "$@" || true
}

# The first refusal to the server netns matching an extra jq condition.
# Returns once the text tracer has printed as many refusals as the JSON
# one, so a retry sent next finds the flow traced by both (each tracer
# traces the flows it saw refused; the text one may be a moment behind).
wait_refusal() {
	local cond=${1:-true} secs=${2:-5} line
	line=$(wait_json "$OUT" ".event == \"refusal\" and .netns == $(srv_netns_inode) and ($cond)" "$secs") ||
		return 1
	text_caught_up
	echo "$line"
}

# Waits (up to 5 s, no failure) until the text tracer printed as many
# refusal lines ("HH:MM:SS CAUSE ...") as the JSON tracer printed records.
text_caught_up() {
	local i want
	[ -n "$TEXT_PID" ] || return 0
	want=$(jq -c 'select(.event == "refusal")' "$OUT" | wc -l)
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} [A-Z]' "$TXT" 2>/dev/null)" -ge "$want" ] && return 0
		sleep 0.05
	done
}

count_refusals() {
	jq -c "select(.event == \"refusal\" and .netns == $(srv_netns_inode) and (${1:-true}))" \
		"$OUT" | wc -l
}

# Handle of the rule matching PATTERN in `nft -a list chain FAMILY TABLE CHAIN`.
nft_handle() {
	local family=$1 table=$2 chain=$3 pattern=$4
	srv nft -a list chain "$family" "$table" "$chain" |
		grep -F -- "$pattern" | sed -n 's/.* # handle \([0-9]*\)$/\1/p' | head -n 1
}

# The text of rule HANDLE as `nft -s -a list chain FAMILY TABLE CHAIN` prints it.
nft_rule_text() {
	srv nft -s -a list chain "$1" "$2" "$3" |
		sed -n "s/^[[:space:]]*\(.*\) # handle $4\$/\1/p"
}

# The ruleset as nft and iptables-legacy show it, to compare before and after.
ruleset_dump() {
	srv nft -a list ruleset
	srv iptables-legacy-save 2>/dev/null | grep -v '^#' || true
}

# wait_polled PORT PID: the default mode knows listeners from sock_diag polls
# (each second) and their owners from /proc; wait until a refusal next door
# (PORT+1..PORT+9, which polls its namespace) lists process PID's listener on
# PORT. With --all-hooks LISTEN events tell at once: nothing to wait for.
wait_polled() {
	local p
	jq -s -e '.[0].mode == "all-hooks"' "$OUT" >/dev/null && return 0
	for ((p = $1 + 1; p <= $1 + 9; p++)); do
		connect_from_client $SRV4 $p >/dev/null
		wait_refusal ".dport == $p and any(.listeners[]?; .port == $1 and .pid == $2)" 3 \
			>/dev/null || continue
		# The text tracer polls on its own: its line for $p names the listener too.
		[ -z "$TEXT_PID" ] || grep -F -- "-> $SRV4:$p " "$TXT" | grep -cF "pid $2) on " >/dev/null ||
			continue
		return 0
	done
	fail "no poll saw the listener on $1 with its owner"
}

# answer_watched LINE ANSWER: did the tracer watch what a firewall answered
# when it printed LINE? ANSWER is what the rule sends: tcp-reset, icmp (IPv4),
# icmp6 or none. The default mode watches every answer (net_dev_queue) only
# from a firewall_blocked refusal on, for 2 min (user/hooks/on_demand.h); IPv4 ICMP
# answers always where icmp:icmp_send exists (6.10+). --all-hooks: all, always.
# With kprobes, the REJECT hooks (hooks.rejects) see every answer of a family
# once attached, and a drop is a drop while its nf_reject module is absent.
answer_watched() {
	local ts hooks fn mod
	ts=$(jq -r .ts <<<"$1")
	hooks=$(jq -s -c --arg ts "$ts" '[.[] | select((.event == "start" or .event == "attach" or
		.event == "detach") and .ts <= $ts)] | last | .hooks' "$OUT")
	[ "$(jq -r .replies <<<"$hooks")" = tp_btf/net_dev_queue ] && return 0
	if [ "$(jq -r '.rejects // ""' <<<"$hooks")" != "" ]; then
		if [ "$(jq -r .family <<<"$1")" = ipv6 ]; then
			fn=nf_send_reset6 mod=nf_reject_ipv6
		else
			fn=nf_send_reset, mod=nf_reject_ipv4
		fi
		jq -e --arg fn "$fn" '.rejects | contains($fn) and (contains("(when") | not)' \
			<<<"$hooks" >/dev/null && return 0
		[ -e /sys/module/$mod ] || return 0
	fi
	[ "$2" = icmp ] && [ "$(jq -r .replies <<<"$hooks")" = tp_btf/icmp_send ]
}

# assert_answer LINE CAUSE ANSWER: LINE's cause is CAUSE where the answer was
# watched (returns 0: assert the rest); else it is firewall_blocked, said as
# such, and this returns 1 (the rule, once named, or the retry, tells).
assert_answer() {
	if answer_watched "$1" "$3"; then
		assert_field "$1" cause "$2"
		return 0
	fi
	assert_field "$1" cause firewall_blocked
	assert_field "$1" reply unknown
	assert_field "$1" client_sees "Connection refused or a timeout"
	return 1
}

# told_refusal COND CAUSE ANSWER ADDR PORT [TIMEOUT_MS]: the refusal matching
# COND of an attempt just made is CAUSE where its answer was watched, else
# firewall_blocked (see assert_answer); then the client tries once more (ADDR
# PORT) and the retry's refusal, which is CAUSE in every mode and names the
# rule, is printed. Always a retry: the facts compared across backends
# (record_facts) are the retries'.
told_refusal() {
	local cond=$1 cause=$2 answer=$3 line sport
	shift 3
	line=$(wait_refusal "$cond") || fail "no refusal event ($cond)"
	assert_answer "$line" "$cause" "$answer" || true
	sport=$(jq -r .sport <<<"$line")
	connect_from_client "$@" >/dev/null
	line=$(wait_refusal "$cond and .sport != $sport and .rule.status == \"found\"") ||
		fail "the retry was not named ($cond)"
	assert_field "$line" cause "$cause"
	echo "$line"
}

assert_eq() { [ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"; }

# Field $2 of JSON line $1 equals $3.
assert_field() {
	local got
	got=$(jq -r ".$2" <<<"$1")
	[ "$got" = "$3" ] || fail "$2: expected '$3', got '$got' in $1"
}

assert_contains() {
	case "$1" in *"$2"*) ;; *) fail "expected '$2' in: $1" ;; esac
}

# The JSON contract (../shared/DESIGN.md) for a refusal record.
assert_refusal_contract() {
	jq -e '
		(.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z$")) and
		.event == "refusal" and
		(.cause | IN("no_listener", "firewall_reject", "firewall_drop",
			     "backlog_full", "other_drop", "firewall_blocked",
			     "handshake_incomplete")) and
		(.family | IN("ipv4", "ipv6")) and
		(.saddr | type == "string") and (.daddr | type == "string") and
		(.sport | type == "number" and . > 0 and . < 65536) and
		(.dport | type == "number" and . > 0 and . < 65536) and
		(.netns | type == "number" and . > 0) and
		(.ifindex | type == "number" and . > 0) and
		(.reason | type == "string" and length > 0) and
		(.retries | type == "number" and . >= 0) and
		(.explanation | type == "string" and length > 0) and
		(.hints | type == "array")' <<<"$1" >/dev/null ||
		fail "refusal record breaks the JSON contract: $1"
}

# Debian's systemd-journald for one scenario (test_journal_*.sh), never the
# host's: journal_dirs makes the mount points it needs if missing (removed on
# exit); in_private_journal DIR CMD... runs journald in a mount namespace of
# its own (its socket on a private tmpfs over /run/systemd/journal, its files
# in DIR bound over /run/log, DIR/journald.pid its pid), then execs CMD there.
# Start it with &: it replaces the background shell, so $! is CMD's pid.
JOURNALD=/lib/systemd/systemd-journald
journal_dirs() {
	local d
	[ -x "$JOURNALD" ] || fail "systemd-journald is missing ($JOURNALD)"
	for d in /run/systemd/journal /run/log; do
		[ -d $d ] && continue
		mkdir -p $d
		ON_EXIT+=("rmdir $d")
	done
}
in_private_journal() {
	local dir=$1
	shift
	mkdir -p "$dir"
	exec unshare -m --propagation private bash -c '
		mount -t tmpfs -o mode=0755 tmpfs /run/systemd/journal
		mount --bind "$1" /run/log
		[ -d /var/log/journal ] && mount -t tmpfs tmpfs /var/log/journal
		"$2" >"$1/journald.out" 2>&1 &
		echo $! >"$1/journald.pid"
		for ((i = 0; i < 100; i++)); do
			[ -S /run/systemd/journal/socket ] && break
			sleep 0.05
		done
		shift 2
		exec "$@"' journal "$dir" "$JOURNALD" "$@"
}
