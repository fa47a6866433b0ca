#!/bin/bash
# A listener with backlog 1 that never accepts: two handshakes fill its
# accept queue, the third SYN is dropped. No kernel drop reason marks it;
# the tracer infers it (SYN consumed without SYN-ACK, queue over its limit,
# ListenOverflows moved) and names the listener and its queue. The default
# mode watches for that once its listener poll saw the queue full (an
# `attach` record): SYNs from then on, by skb:consume_skb where only
# tracepoints exist, by tcp_conn_request where functions can be hooked.
. "$(dirname "$0")/lib.sh"
setup_pair
start_listener "$SRV" 0.0.0.0 7000 1 noaccept
SLOW_PID=$LISTENER_PID
start_tracer

assert_eq "$(connect_from_client $SRV4 7000 1000)" connected "first connection"
assert_eq "$(connect_from_client $SRV4 7000 1000)" connected "second connection"
# Held open by the queue; the third attempt gets no SYN-ACK.
# The listener poll (each second; less often when a poll is slow: at most
# 1% of a core, and emulation makes it slow) sees the queue full and
# attaches what tells the SYNs it drops from then on.
if jq -s -e '.[0].hooks.on_demand // "" | test("consume_skb|tcp_conn_request")' "$OUT" >/dev/null; then
	wait_json "$OUT" '.event == "attach" and (.hooks.backlog // "" | test("consume_skb|tcp_conn_request"))' 40 |
		jq -r .what | grep -F "the accept queue of tcp_listen (pid $SLOW_PID) on 0.0.0.0:7000" |
		grep -cF "is full (2 waiting, backlog 1)" >/dev/null ||
		fail "no attach record naming the full queue"
fi
assert_eq "$(connect_from_client $SRV4 7000 1500)" timeout "third connection"
line=$(wait_refusal '.dport == 7000') || fail "no refusal event"
assert_refusal_contract "$line"
assert_field "$line" cause backlog_full
assert_field "$line" reason LISTEN_OVERFLOW
assert_field "$line" client_sees "Connection timed out"
assert_eq "$(jq -r .listener.pid <<<"$line")" "$SLOW_PID" "listener pid"
assert_eq "$(jq -r .listener.backlog <<<"$line")" 1 "backlog"
assert_eq "$(jq -r .listener.queue <<<"$line")" 2 "queue"
[ "$(jq -r .listen_overflows <<<"$line")" -ge 1 ] || fail "ListenOverflows did not move: $line"
assert_contains "$(jq -r .explanation <<<"$line")" \
	"the accept queue of tcp_listen (pid $SLOW_PID) on 0.0.0.0:7000 is full (2 waiting, backlog 1)"
assert_text "-> $SRV4:7000  the accept queue of tcp_listen (pid $SLOW_PID) on 0.0.0.0:7000 is full (2 waiting, backlog 1)"
stop_tracer
assert_eq "$(count_refusals '.dport == 7000')" 1 "one line for the attempt"
pass
