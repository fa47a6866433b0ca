#!/bin/bash
# A process name is whatever its executable was called: quotes, a newline,
# control bytes, ESC sequences, invalid UTF-8, a C1 CSI (U+009B), a bidi
# override (U+202E). A listener so named stops; the refusal names it. Every
# JSON line still parses, and the text output carries no raw control byte
# or character: the name cannot forge lines, colour a terminal or reorder
# what it shows.
. "$(dirname "$0")/lib.sh"
setup_pair
name=$'a"b\nc\x01\xff\x1b[7m'
# Under 16 bytes, as a process name is: "x", CSI, "1m", RLO, "y".
name2=$'x\xc2\x9b1m\xe2\x80\xaey'
mkfifo "$WORK/ready"
# named_listener NAME PORT: tcp_listen run as NAME in the server namespace.
named_listener() {
	local ready
	ln -s "$HELPERS/tcp_listen" "$WORK/$1"
	ip netns exec "$SRV" "$WORK/$1" 0.0.0.0 "$2" >"$WORK/ready" &
	LISTENER_PID=$!
	PIDS+=($!)
	disown $!
	read -r -t 5 ready <"$WORK/ready" || true
	[ "$ready" = listening ] || fail "the oddly named listener on $2 did not start"
}
# stopped_refusal PORT: stops the listener, prints the refusal that names it.
stopped_refusal() {
	local i
	kill "$LISTENER_PID"
	for ((i = 0; i < 100; i++)); do srv ss -ltn | grep -c ":$1 " >/dev/null || break; sleep 0.05; done
	assert_eq "$(connect_from_client $SRV4 "$1")" refused "stopped service outcome"
	wait_refusal ".dport == $1 and .last_listener != null" ||
		fail "no refusal naming the stopped listener on $1"
}
named_listener "$name" 8080
start_tracer

assert_eq "$(connect_from_client $SRV4 8081)" refused "wrong port outcome"
line=$(wait_refusal '.dport == 8081') || fail "no refusal for 8081"
# The owner as /proc/PID/comm names it: the whole name, newline included.
assert_eq "$(jq -r '.listeners[] | select(.relation != "other_netns") | .comm' <<<"$line")" $'a"b\nc\x01\xef\xbf\xbd\x1b[7m' \
	"listener comm read from /proc"
line=$(stopped_refusal 8080) || exit 1
named_listener "$name2" 8090
wait_polled 8090 "$LISTENER_PID"
line2=$(stopped_refusal 8090) || exit 1
assert_text 'x?1m?y'
stop_tracer

jq -e . "$OUT" >/dev/null || fail "a JSON line does not parse"
[ "$(jq -c . "$OUT" | wc -l)" -eq "$(wc -l <"$OUT")" ] || fail "a record spans several lines"
comm=$(jq -r .last_listener.comm <<<"$line")
assert_eq "$comm" $'a"b\nc\x01\xef\xbf\xbd\x1b[7m' "comm as JSON carries it (invalid byte as U+FFFD)"
[ -e "$TXT" ] && grep -q $'[\x01\x1b\xff]' "$TXT" && fail "raw control or invalid bytes in the text output: $(cat -v "$TXT")"
assert_text 'a"b?c???[7m'
# C1 and bidi: in JSON the same characters (escaped as \uXXXX, so that the
# JSON lines are safe on a terminal too), in text neither raw sequence.
assert_eq "$(jq -r .last_listener.comm <<<"$line2")" "$name2" "comm with C1 and bidi as JSON carries it"
grep -qF '"x\u009b1m\u202ey"' "$OUT" || fail "C1 and bidi not escaped in JSON: $(grep -aF 1m "$OUT" | cat -v)"
for seq in $'\xc2\x9b' $'\xe2\x80\xae'; do
	grep -qF "$seq" "$OUT" && fail "raw $(printf %q "$seq") in the JSON output"
	[ -e "$TXT" ] && grep -qF "$seq" "$TXT" && fail "raw $(printf %q "$seq") in the text output: $(cat -v "$TXT")"
done
pass
