#!/bin/bash
# A service listens, serves, and is killed while the tracer runs: the next
# refusal says who stopped listening there, how (killed by SIGKILL, from
# this shell), and when.
. "$(dirname "$0")/lib.sh"
setup_pair
start_tracer
start_listener "$SRV" 0.0.0.0 8080
SERVICE_PID=$LISTENER_PID
wait_polled 8080 "$SERVICE_PID"
assert_eq "$(connect_from_client $SRV4 8080)" connected "while the service runs"
kill -9 "$SERVICE_PID"
for ((i = 0; i < 100; i++)); do srv ss -ltn | grep -c ':8080 ' >/dev/null || break; sleep 0.05; done
stopped_at=$(date +%s)

assert_eq "$(connect_from_client $SRV4 8080)" refused "after the kill"
line=$(wait_refusal '.dport == 8080') || fail "no refusal event"
hint=$(jq -r '.hints[0]' <<<"$line")
assert_contains "$hint" "tcp_listen (pid $SERVICE_PID) on 0.0.0.0:8080 was killed by SIGKILL from bash (pid $$, uid 0) at "
assert_contains "$hint" "s ago"
assert_contains "$(jq -r .explanation <<<"$line")" "was killed by SIGKILL from bash"
assert_eq "$(jq -r .last_listener.pid <<<"$line")" "$SERVICE_PID" "last_listener.pid"
assert_eq "$(jq -r .last_listener.comm <<<"$line")" tcp_listen "last_listener.comm"
assert_eq "$(jq -r .last_listener.port <<<"$line")" 8080 "last_listener.port"
when=$(date -d "$(jq -r .last_listener.stopped_at <<<"$line")" +%s)
[ $((stopped_at - when)) -ge 0 ] && [ $((stopped_at - when)) -le 5 ] ||
	fail "stopped_at $when is not the kill time $stopped_at"
assert_text "$SRV4:8080; the kernel answered with RST, the client sees Connection refused; tcp_listen (pid $SERVICE_PID) on 0.0.0.0:8080 was killed by SIGKILL from bash"

# Restarted: connections work again and no stale hint appears for them.
start_listener "$SRV" 0.0.0.0 8080
assert_eq "$(connect_from_client $SRV4 8080)" connected "after the restart"
stop_tracer
assert_eq "$(count_refusals '.dport == 8080')" 1 "refusals on 8080"
pass
