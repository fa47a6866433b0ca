#!/bin/bash
# A listener bound to one interface (SO_BINDTODEVICE, as with a VRF or
# sshd's ListenAddress ...%eth1): `ss -ltn` shows 0.0.0.0:22, yet the
# kernel's listener lookup skips it for a SYN from another interface and
# answers RST. The refusal names the listener, the interface it is bound to
# and the one the SYN came in on. One listener was there before the tracer
# (found by sock_diag), one starts after (found by its LISTEN event).
. "$(dirname "$0")/lib.sh"
setup_pair
# Another interface of the server (a veth pair inside it: no dummy module needed).
srv ip link add wr-d type veth peer name wr-d2
srv ip link set wr-d up
bound=$(srv ip -o link show wr-d | cut -d: -f1)
start_listener "$SRV" 0.0.0.0 22 128 dev=wr-d
start_tracer
start_listener "$SRV" 0.0.0.0 23 128 dev=wr-d

for port in 22 23; do
	assert_eq "$(connect_from_client $SRV4 $port)" refused "client outcome on $port"
	line=$(wait_refusal ".dport == $port") || fail "no refusal on $port"
	assert_refusal_contract "$line"
	assert_field "$line" cause no_listener
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" \
		"on 0.0.0.0:$port, bound to interface wr-d: this SYN came in on wr-s -- bound to the wrong interface or VRF?"
	jq -e --argjson ifi "$bound" '.listeners | length == 1 and .[0].relation == "other_device" and
		.[0].bound_ifindex == $ifi' <<<"$line" >/dev/null || fail "listeners: $line"
	assert_text "0.0.0.0:$port, bound to interface wr-d: this SYN came in on wr-s"
done
stop_tracer
pass
