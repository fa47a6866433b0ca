#!/bin/bash
# A process name is whatever its executable was called: quotes, a newline,
# control bytes, ESC sequences, invalid UTF-8. A listener so named stops;
# the refusal names it. Every JSON line still parses, and the text output
# carries no raw control byte: the name cannot forge lines or colour a
# terminal.
. "$(dirname "$0")/lib.sh"
setup_pair
name=$'a"b\nc\x01\xff\x1b[7m'
ln -s "$HELPERS/tcp_listen" "$WORK/$name"
mkfifo "$WORK/ready"
ip netns exec "$SRV" "$WORK/$name" 0.0.0.0 8080 >"$WORK/ready" &
LISTENER_PID=$!
PIDS+=($!)
disown $!
read -r -t 5 line <"$WORK/ready" || true
[ "$line" = listening ] || fail "the oddly named listener did not start"
start_tracer

assert_eq "$(connect_from_client $SRV4 8081)" refused "wrong port outcome"
line=$(wait_refusal '.dport == 8081') || fail "no refusal for 8081"
# The owner as /proc/PID/comm names it: the whole name, newline included.
assert_eq "$(jq -r '.listeners[0].comm' <<<"$line")" $'a"b\nc\x01\xef\xbf\xbd\x1b[7m' \
	"listener comm read from /proc"
kill "$LISTENER_PID"
for ((i = 0; i < 100; i++)); do srv ss -ltn | grep -c ':8080 ' >/dev/null || break; sleep 0.05; done
assert_eq "$(connect_from_client $SRV4 8080)" refused "stopped service outcome"
line=$(wait_refusal '.dport == 8080 and .last_listener != null') ||
	fail "no refusal naming the stopped listener"
stop_tracer

jq -e . "$OUT" >/dev/null || fail "a JSON line does not parse"
[ "$(jq -c . "$OUT" | wc -l)" -eq "$(wc -l <"$OUT")" ] || fail "a record spans several lines"
comm=$(jq -r .last_listener.comm <<<"$line")
assert_eq "$comm" $'a"b\nc\x01\xef\xbf\xbd\x1b[7m' "comm as JSON carries it (invalid byte as U+FFFD)"
[ -e "$TXT" ] && grep -q $'[\x01\x1b\xff]' "$TXT" && fail "raw control or invalid bytes in the text output: $(cat -v "$TXT")"
assert_text 'a"b?c???[7m'
pass
