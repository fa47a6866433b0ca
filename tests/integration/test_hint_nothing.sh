#!/bin/bash
# Nothing listens at all, then only an unrelated port: the hint says so and
# lists what the namespace does listen on, without calling it a wrong port.
. "$(dirname "$0")/lib.sh"
setup_pair
start_tracer

assert_eq "$(connect_from_client $SRV4 25)" refused "outcome on 25"
line=$(wait_refusal '.dport == 25') || fail "no refusal for 25"
assert_eq "$(jq -r '.hints[0]' <<<"$line")" \
	"nothing listens on any TCP port in this network namespace" "hint"
assert_eq "$(jq -r '.listeners | length' <<<"$line")" 0 "listeners"
assert_text "$SRV4:25; the kernel answered with RST, the client sees Connection refused; nothing listens on any TCP port in this network namespace"

start_listener "$SRV" 0.0.0.0 9000
wait_polled 9000 "$LISTENER_PID"	# the default mode: a poll sees it (each second)
assert_eq "$(connect_from_client $SRV4 25)" refused "outcome on 25, again"
for ((i = 0; i < 100; i++)); do [ "$(count_refusals '.dport == 25')" -ge 2 ] && break; sleep 0.05; done
line=$(jq -c "select(.event == \"refusal\" and .dport == 25)" "$OUT" | tail -n 1)
assert_eq "$(jq -r '.hints[0]' <<<"$line")" \
	"this network namespace listens on TCP port 9000 (tcp_listen)" "hint"
assert_eq "$(jq -r '.listeners | length' <<<"$line")" 0 "listeners named as alternatives"
assert_text "$SRV4:25; the kernel answered with RST, the client sees Connection refused; this network namespace listens on TCP port 9000 (tcp_listen)"
stop_tracer
pass
