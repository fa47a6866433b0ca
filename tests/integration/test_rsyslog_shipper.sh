#!/bin/bash
# A real log shipper: a private rsyslogd (Debian's rsyslog) tails the
# tracer's --output file with imfile through a logrotate-style rotation
# (mv, then SIGHUP) and forwards every line with omfwd over TCP to its own
# imtcp input, which writes the bare messages to a file. Every record the
# tracer wrote (both files) arrives exactly once and byte for byte: each
# forwarded line parses as JSON, quotes, backslashes and \u escapes from a
# hostile process name included.
. "$(dirname "$0")/lib.sh"
command -v rsyslogd >/dev/null ||
	fail "rsyslogd is missing: run 'make deps' (apt-get install rsyslog)"

RS=$WORK/rsyslog
LOG=$WORK/log/whyrefused.json
FWD=$RS/forwarded.json
RS_PORT=10514	# inside the server netns: no other rsyslog can be there
mkdir -p "$RS/spool" "$WORK/log"

# On failure, show what rsyslog saw and said before lib.sh's cleanup
# (which kills the pids in PIDS, rsyslogd's included, and removes $WORK).
shipper_cleanup() {
	local rc=$?
	set +e	# under -e, the (exit $rc) below would end the trap before cleanup
	if [ $rc -ne 0 ]; then
		echo "--- rsyslogd stderr:"; cat "$RS/rsyslogd.err" 2>/dev/null || true
		echo "--- rsyslogd internal messages:"; cat "$RS/internal.log" 2>/dev/null || true
		echo "--- tracer stderr:"; cat "$ERR" 2>/dev/null || true
		echo "--- tracer files (old, new):"; cat "$LOG.1" "$LOG" 2>/dev/null || true
		echo "--- forwarded by rsyslog:"; cat "$FWD" 2>/dev/null || true
	fi
	(exit $rc)
	cleanup
}
trap shipper_cleanup EXIT

# imfile in inotify mode follows the file by inode through the rename and
# reads what the tracer still appends to the moved file before SIGHUP.
# Forwarding is RFC 5424 with octet-counted framing: its MSG is the line
# exactly (the traditional format inserts a space before MSG, so `%msg%`
# would start with one). escapeControlCharactersOnReceive stays at its
# default (on): the tracer escapes control bytes itself, so a raw one would
# show up here as a changed record. A failed send is retried, not dropped
# (resumeRetryCount -1). Only the two inputs below: no imuxsock, no imklog;
# the default ruleset only gets rsyslogd's own messages.
cat >"$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS/spool" maxMessageSize="64k")
module(load="imfile" mode="inotify")
module(load="imtcp")
template(name="msg_only" type="string" string="%msg%\n")

input(type="imfile" file="$LOG" tag="whyrefused:" readMode="0"
      freshStartTail="off" reopenOnTruncate="off" ruleset="ship")
ruleset(name="ship") {
	action(type="omfwd" target="127.0.0.1" port="$RS_PORT" protocol="tcp"
	       tcp_framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"
	       action.resumeRetryCount="-1" action.resumeInterval="1")
}

input(type="imtcp" address="127.0.0.1" port="$RS_PORT" ruleset="receive")
ruleset(name="receive") {
	action(type="omfile" file="$FWD" template="msg_only")
}

*.* action(type="omfile" file="$RS/internal.log")
EOF
# Also fails when a module (imfile, imtcp) cannot be loaded.
rsyslogd -N1 -f "$RS/rsyslog.conf" >"$RS/check.out" 2>&1 ||
	fail "rsyslogd rejects the test's configuration: $(cat "$RS/check.out")"

setup_pair

# A listener whose name needs JSON escapes: quote, backslash, newline, a
# control byte, an invalid UTF-8 byte, ESC. Each refusal's hint lists it.
name=$'q"b\\s\nc\x01\xff\x1b[7m'
ln -s "$HELPERS/tcp_listen" "$WORK/$name"
mkfifo "$WORK/ready"
ip netns exec "$SRV" "$WORK/$name" 0.0.0.0 8080 >"$WORK/ready" &
PIDS+=($!)
disown $!
read -r -t 5 line <"$WORK/ready" || true
[ "$line" = listening ] || fail "the oddly named listener did not start"

# rsyslogd in the server netns (ip netns exec execs it: $! is rsyslogd).
ip netns exec "$SRV" rsyslogd -n -f "$RS/rsyslog.conf" -i "$RS/rsyslog.pid" \
	>"$RS/rsyslogd.out" 2>"$RS/rsyslogd.err" &
RSYSLOG_PID=$!
PIDS+=($RSYSLOG_PID)
disown $RSYSLOG_PID
for ((i = 0; i < 100; i++)); do
	srv ss -ltnH "sport = :$RS_PORT" | grep -c . >/dev/null && break
	kill -0 "$RSYSLOG_PID" 2>/dev/null || fail "rsyslogd exited: $(cat "$RS/rsyslogd.err")"
	sleep 0.1
done
srv ss -ltnH "sport = :$RS_PORT" | grep -c . >/dev/null || fail "rsyslogd's imtcp does not listen on $RS_PORT"

"$WR" --json --output "$LOG" --stats-interval 500ms --rate-limit 0 --duration 120 \
	${WR_BACKEND:+--backend "$WR_BACKEND"} 2>"$ERR" &
TRACER_PID=$!
wait_json "$LOG" '.event == "start"' 15 >/dev/null || fail "no start record in $LOG"
# The shipper follows the file (its first record came through) before the
# refusals and the rotation.
wait_json "$FWD" '.event == "start"' 15 >/dev/null || fail "rsyslog did not forward the start record"

for p in 9001 9002 9003; do
	assert_eq "$(connect_from_client $SRV4 $p)" refused "client outcome on $p"
done
wait_json "$LOG" '.event == "refusal" and .dport == 9003' 5 >/dev/null || fail "no refusal before rotation"
# logrotate: move, then (postrotate) SIGHUP. Between the two the tracer
# still appends to the moved file: wait (bounded) for a periodic stats
# record written there after the move, so imfile has to read it too.
mv "$LOG" "$LOG.1"
moved_at=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
for ((i = 0; i < 100; i++)); do
	jq -s -e --arg t "$moved_at" 'any(.[]; .ts > $t)' "$LOG.1" >/dev/null && break
	sleep 0.05
done
jq -s -e --arg t "$moved_at" 'any(.[]; .ts > $t)' "$LOG.1" >/dev/null ||
	fail "no record went to the moved file between mv and SIGHUP"
kill -HUP "$TRACER_PID"
for ((i = 0; i < 50; i++)); do [ -e "$LOG" ] && break; sleep 0.1; done
[ -e "$LOG" ] || fail "SIGHUP did not reopen $LOG"
for p in 9004 9005 9006; do
	assert_eq "$(connect_from_client $SRV4 $p)" refused "client outcome on $p"
done
wait_json "$LOG" '.event == "refusal" and .dport == 9006' 5 >/dev/null || fail "no refusal after rotation"
kill -INT "$TRACER_PID"
wait "$TRACER_PID" || fail "tracer exited $? on SIGINT"
TRACER_PID=
jq -s -e 'any(.[]; .event == "stats" and .final)' "$LOG" >/dev/null || fail "no final stats record in $LOG"

# Everything the tracer wrote, old file then new; rsyslog catches up (bounded).
cat "$LOG.1" "$LOG" >"$WORK/written"
want=$(wc -l <"$WORK/written")
for ((i = 0; i < 150; i++)); do
	[ "$(wc -l <"$FWD")" -ge "$want" ] && break
	sleep 0.1
done
got=$(wc -l <"$FWD")
[ "$got" -eq "$want" ] || fail "rsyslog forwarded $got lines, the tracer wrote $want"

# Each forwarded line on its own is one JSON object.
jq -R -e 'fromjson | type == "object"' "$FWD" >"$WORK/parsed" 2>"$WORK/jq.err" ||
	fail "a forwarded line is not a JSON object: $(cat "$WORK/jq.err")"
grep -qvx true "$WORK/parsed" && fail "a forwarded line is not a JSON object"
# The same records, each exactly once, byte for byte.
[ -z "$(sort "$WORK/written" | uniq -d)" ] || fail "the tracer wrote a record twice"
diff <(sort "$WORK/written") <(sort "$FWD") >"$WORK/diff" ||
	fail "forwarded records differ from the tracer's (< tracer, > rsyslog): $(cat "$WORK/diff")"

# The refusals on both sides of the rotation, and the rotation did happen
# in between.
# (rsyslog's own omfwd may be refused on $RS_PORT before its imtcp listens,
# and whyrefused rightly says so: the client's refusals are the 900x ones.)
ns=$(srv_netns_inode)
client_ports() {
	jq -r "select(.event == \"refusal\" and .netns == $ns and .dport != $RS_PORT) | .dport" "$1" |
		sort | tr '\n' ' '
}
assert_eq "$(client_ports "$FWD")" "9001 9002 9003 9004 9005 9006 " \
	"forwarded refusals across the rotation, each once"
assert_eq "$(client_ports "$LOG.1")" "9001 9002 9003 " "refusals in the rotated file"
assert_eq "$(client_ports "$LOG")" "9004 9005 9006 " "refusals in the new file"
# The escapes survived the trip: a forwarded hint names the listener exactly
# (the invalid byte as U+FFFD).
grep -qF '\"b\\s\nc\u0001' "$FWD" || fail "the escaped listener name is not in the forwarded records"
jq -s -e --argjson ns "$ns" --arg n $'q"b\\s\nc\x01\xef\xbf\xbd\x1b[7m' \
	'any(.[]; .event == "refusal" and .netns == $ns and .dport == 9004 and any(.hints[]; contains($n)))' \
	"$FWD" >/dev/null || fail "the forwarded 9004 refusal does not name the listener '$name' exactly"
pass "$want records through imfile, a rotation, omfwd and imtcp"
