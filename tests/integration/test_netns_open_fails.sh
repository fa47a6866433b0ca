#!/bin/bash
# A namespace that cannot be entered for a while is not a namespace that is
# gone. With its file-descriptor limit at 3 (prlimit from outside, as a busy
# tracer near its limit would be), every open fails with EMFILE: the listener
# polls cannot enter the server namespace, nor list /proc. Its listener, on
# 127.0.0.1:8080 only, still runs: a refusal on $SRV4:8080 names it as bound
# to the wrong address, never as a listener that stopped. The failure is told
# once on stderr.
. "$(dirname "$0")/lib.sh"
command -v prlimit >/dev/null || { pass "skipped: no prlimit (util-linux)"; exit 0; }
WR_TEXT=0	# one tracer: the limit is put on it from outside
setup_pair
start_listener "$SRV" 127.0.0.1 8080
LO_PID=$LISTENER_PID
start_tracer
jq -s -e '.[0].mode == "all-hooks"' "$OUT" >/dev/null &&
	{ pass "skipped: LISTEN events, no polls, with --all-hooks"; exit 0; }
# Known, with its owner, before the limit.
for ((i = 0; i < 20; i++)); do
	connect_from_client $SRV4 8080 >/dev/null
	wait_refusal ".dport == 8080 and any(.listeners[]?; .port == 8080 and .pid == $LO_PID)" 2 \
		>/dev/null && break
done
[ $i -lt 20 ] || fail "no refusal on 8080 naming its listener"
first=$(count_refusals '.dport == 8080')

prlimit --pid "$TRACER_PID" --nofile=3: || fail "prlimit failed"
sleep 1.5	# a periodic poll of every namespace, then one for the refusal
for ((i = 0; i < 2; i++)); do
	assert_eq "$(connect_from_client $SRV4 8080)" refused "outcome on 8080 (limited)"
	sleep 1.2
done
for ((i = 0; i < 100; i++)); do
	[ "$(count_refusals '.dport == 8080')" -ge $((first + 2)) ] && break
	sleep 0.05
done
line=$(jq -c "select(.event == \"refusal\" and .dport == 8080)" "$OUT" | tail -n 1)
[ "$(count_refusals '.dport == 8080')" -ge $((first + 2)) ] ||
	fail "no refusal for 8080 while the tracer could not open files"
assert_field "$line" last_listener null
jq -e '[.hints[] | select(test("stopped"))] | length == 0' <<<"$line" >/dev/null ||
	fail "a running listener told as stopped: $line"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "tcp_listen (pid $LO_PID) on 127.0.0.1:8080 only"

prlimit --pid "$TRACER_PID" --nofile=1024: || fail "prlimit failed"
sleep 1.5
sport=$(jq -r .sport <<<"$line")
assert_eq "$(connect_from_client $SRV4 8080)" refused "outcome on 8080"
line=$(wait_refusal ".dport == 8080 and .sport != $sport") || fail "no second refusal for 8080"
assert_field "$line" last_listener null
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "tcp_listen (pid $LO_PID) on 127.0.0.1:8080 only"
stop_tracer
n=$(grep -c 'cannot enter network namespace\|cannot list network namespaces' "$ERR" || true)
assert_eq "$n" 1 "times the failure was told on stderr ($(cat "$ERR"))"
assert_eq "$(count_refusals '.last_listener != null')" 0 \
	"refusals naming a stopped listener"
pass
