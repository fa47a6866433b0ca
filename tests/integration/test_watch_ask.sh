#!/bin/bash
# Root asks a running tracer to watch for a client (--ask-watch ADDR): the
# request goes over the tracer's unix socket (0600 in a root-only directory,
# each peer's uid checked), the report comes back to the asker, text or
# JSON, and goes to the tracer's own output. Another user can neither ask
# nor reach the socket. Then an XDP program (bpf_hold, as a daemon holds
# it) drops the client's SYNs on the server's veth before any tap sees
# them: none arrived, and the XDP program is named with its holder.
. "$(dirname "$0")/lib.sh"
HOLD=$HELPERS/bpf_hold OBJ=$HELPERS/blockers.bpf.o
[ -x "$HOLD" ] || fail "bpf_hold missing (make BUILD=... $HELPERS/bpf_hold)"
setup_pair
start_listener "$SRV" 0.0.0.0 8080
SOCK=$WORK/watch.sock
# One tracer: a second one on the same socket is refused (tested below).
"$WR" --json --duration 120 --netns "$SRV" --watch-socket "$SOCK" \
	--metrics-file "$WORK/metrics.prom" >"$OUT" 2>"$ERR" &
TRACER_PID=$!
wait_json "$OUT" '.event == "start"' 15 >/dev/null || fail "tracer did not start: $(cat "$ERR")"
[ -S "$SOCK" ] || fail "no socket at $SOCK"
assert_eq "$(stat -c %a "$SOCK")" 600 "the socket's mode"

# The tracer's packet sockets in the server namespace (/proc/net/packet's inodes).
captures() {
	local inodes
	inodes=$(ls -l "/proc/$TRACER_PID/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p')
	srv cat /proc/net/packet | awk 'NR > 1 { print $NF }' | grep -cxF -f <(echo "${inodes:-none}") || true
}
# Nothing captured while nobody asked.
assert_eq "$(captures)" 0 "packet sockets before any watch"

# ask ARGS...: an asker in the background; returns once the tracer said ok.
ask() {
	# Emptied first: the child truncates them only once it runs, and the old
	# "ok" must not be taken for this one's.
	rm -f "$WORK/ask.out" "$WORK/ask.err"
	"$WR" --ask-watch "$CLI4" --watch-socket "$SOCK" --watch-window 2s "$@" \
		>"$WORK/ask.out" 2>"$WORK/ask.err" &
	ASK_PID=$!
	PIDS+=($!)
	for ((i = 0; i < 100; i++)); do
		grep -qs "^whyrefused: ok: watching for SYNs from $CLI4" "$WORK/ask.err" && return 0
		sleep 0.05
	done
	fail "the tracer did not take the request: $(cat "$WORK/ask.err")"
}

# Refused, JSON: the asker prints the watch record and exits 0.
ask --json --watch-for 30s
assert_eq "$(captures)" 1 "packet sockets while a watch is on"
assert_eq "$(connect_from_client $SRV4 9999)" refused "client outcome on 9999"
wait "$ASK_PID" || fail "the asker exited $?: $(cat "$WORK/ask.err")"
for ((i = 0; i < 20; i++)); do [ "$(captures)" = 0 ] && break; sleep 0.1; done
assert_eq "$(captures)" 0 "packet sockets after the report"
jq -e --arg cli "$CLI4" '.event == "watch" and .client == $cli and .verdict == "reached" and
	.namespaces == 1 and .connections[0].dport == 9999 and .connections[0].fate == "refused" and
	.connections[0].cause == "no_listener" and .connections[0].dev == "wr-s"' \
	"$WORK/ask.out" >/dev/null || fail "the asker's report: $(cat "$WORK/ask.out")"
wait_json "$OUT" '.event == "watch" and .connections[0].dport == 9999' 5 >/dev/null ||
	fail "the tracer's own output lacks the report"

# Accepted, text.
ask --watch-for 30s
assert_eq "$(connect_from_client $SRV4 8080)" connected "client outcome on 8080"
wait "$ASK_PID" || fail "the asker exited $?"
grep -q "WATCH    1 SYN from $CLI4 reached this host (1 connection)" "$WORK/ask.out" ||
	fail "the asker's text report: $(cat "$WORK/ask.out")"
grep -q -- "-> $SRV4:8080 on wr-s in netns .*: 1 SYN, accepted: a SYN-ACK went back" \
	"$WORK/ask.out" || fail "the asker's text report: $(cat "$WORK/ask.out")"

# The asker's Ctrl-C: the report comes now, not after the hour asked for.
ask --json --watch-for 1h --watch-window 1h
assert_eq "$(connect_from_client $SRV4 9998)" refused "client outcome on 9998"
kill -TERM "$ASK_PID"	# (a background job ignores SIGINT)
wait "$ASK_PID" 2>/dev/null || true
wait_json "$OUT" '.event == "watch" and .connections[0].dport == 9998 and
	.connections[0].fate == "refused"' 20 >/dev/null ||
	fail "no report after the asker left: $(jq -c "select(.event == \"watch\")" "$OUT"; cat "$WORK/ask.err")"

# Another user: the socket is out of reach; opened to all, the tracer checks the uid.
rc=0
setpriv --reuid 65534 --regid 65534 --clear-groups "$WR" --ask-watch "$CLI4" \
	--watch-socket "$SOCK" >/dev/null 2>"$WORK/nobody.err" || rc=$?
assert_eq "$rc" 3 "exit status of an asker that cannot reach the socket"
grep -q "no tracer answers on $SOCK (Permission denied)" "$WORK/nobody.err" ||
	fail "nobody's error: $(cat "$WORK/nobody.err")"
chmod 0711 "$WORK"
chmod 0666 "$SOCK"
rc=0
setpriv --reuid 65534 --regid 65534 --clear-groups "$WR" --ask-watch "$CLI4" \
	--watch-socket "$SOCK" >/dev/null 2>"$WORK/nobody.err" || rc=$?
chmod 0700 "$WORK"
chmod 0600 "$SOCK"
assert_eq "$rc" 1 "exit status of an asker that is not root"
grep -q "error: only root may ask whyrefused to watch" "$WORK/nobody.err" ||
	fail "nobody's refusal: $(cat "$WORK/nobody.err")"
# A second tracer does not take the socket of the first.
rc=0
"$WR" --duration 1 --netns "$SRV" --watch-socket "$SOCK" >/dev/null 2>"$WORK/second.err" || rc=$?
assert_eq "$rc" 1 "exit status of a second tracer on the same socket"
grep -q "another whyrefused serves $SOCK" "$WORK/second.err" ||
	fail "second tracer: $(cat "$WORK/second.err")"
[ -S "$SOCK" ] || fail "the second tracer removed the first's socket"

# XDP: the program drops TCP to 7023 on wr-s before the kernel makes an skb.
fifo=$WORK/hold.fifo
mkfifo "$fifo"
ip netns exec "$SRV" "$HOLD" "$OBJ" xdp_drop_7023 xdp wr-s >"$fifo" 2>"$WORK/hold.err" &
HOLD_PID=$!
PIDS+=($!)
disown $!
read -r -t 10 hold <"$fifo" || true
[ "${hold%% *}" = attached ] || fail "bpf_hold xdp: $(cat "$WORK/hold.err")"
XDP_ID=$(ip netns exec "$SRV" ip -d link show dev wr-s | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -n 1)
[ -n "$XDP_ID" ] || fail "no XDP program on wr-s: $(ip netns exec "$SRV" ip -d link show dev wr-s)"
ask --json --watch-for 4s
assert_eq "$(connect_from_client $SRV4 7023 1500)" timeout "client outcome on 7023 (XDP)"
wait "$ASK_PID" || fail "the asker exited $?"
cmd="ip netns exec $SRV bpftool net show dev wr-s"
jq -e --argjson id "$XDP_ID" --argjson pid "$HOLD_PID" --arg cmd "$cmd" '
	.verdict == "none_arrived" and .syns == 0 and (.xdp | length) == 1 and
	.xdp[0].program == "xdp_drop_7023" and .xdp[0].id == $id and .xdp[0].dev == "wr-s" and
	.xdp[0].mode == "native" and .xdp[0].pid == $pid and .xdp[0].comm == "bpf_hold" and
	.xdp[0].command == $cmd and
	(.explanation | test("an XDP program below drops packets before any tap sees them"))' \
	"$WORK/ask.out" >/dev/null || fail "the XDP report: $(cat "$WORK/ask.out")"
# The command shown runs as is and lists the program.
assert_contains "$(eval "$cmd" 2>&1)" "id $XDP_ID"
# SYNs to another port pass the XDP program: reached, accepted.
ask --json --watch-for 30s
assert_eq "$(connect_from_client $SRV4 8080)" connected "client outcome on 8080 (XDP passes it)"
wait "$ASK_PID" || fail "the asker exited $?"
jq -e '.verdict == "reached" and .connections[0].fate == "accepted" and .xdp == []' \
	"$WORK/ask.out" >/dev/null || fail "the report past XDP: $(cat "$WORK/ask.out")"
stop_tracer
[ ! -e "$SOCK" ] || fail "the tracer left its socket behind"
# Counted: four reports of SYNs that arrived, one of none; turned away: the
# asker that is not root, and the second tracer's look (a connect, no request).
grep -qx 'whyrefused_watch_reports_total{verdict="reached"} 4' "$WORK/metrics.prom" &&
grep -qx 'whyrefused_watch_reports_total{verdict="none_arrived"} 1' "$WORK/metrics.prom" &&
grep -qx 'whyrefused_watch_requests_refused_total 2' "$WORK/metrics.prom" ||
	fail "watch metrics: $(grep watch "$WORK/metrics.prom")"
pass
