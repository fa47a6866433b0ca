#!/bin/bash
# A listener on the right port but the wrong address or family: 127.0.0.1
# only, IPv6 with IPV6_V6ONLY, IPv4 only for an IPv6 client. Two of them
# start after the tracer (learned from events), one before (from the dump).
. "$(dirname "$0")/lib.sh"
setup_pair
start_listener "$SRV" 127.0.0.1 80
LO_PID=$LISTENER_PID
start_tracer
start_listener "$SRV" :: 443 128 v6only
V6_PID=$LISTENER_PID
start_listener "$SRV" 0.0.0.0 8443
V4_PID=$LISTENER_PID

assert_eq "$(connect_from_client $SRV4 80)" refused "outcome on 80"
line=$(wait_refusal '.dport == 80') || fail "no refusal for 80"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "on 127.0.0.1:80 only, not on $SRV4 -- bound to the wrong address?"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "tcp_listen (pid "
assert_eq "$(jq -r '.listeners[0].relation' <<<"$line")" other_address "relation"
assert_eq "$(jq -r '.listeners[0].addr' <<<"$line")" 127.0.0.1 "addr"

assert_eq "$(connect_from_client $SRV4 443)" refused "outcome on 443"
line=$(wait_refusal '.dport == 443') || fail "no refusal for 443"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "on [::]:443, with IPV6_V6ONLY: it does not take IPv4 clients"
assert_eq "$(jq -r '.listeners[0].v6only' <<<"$line")" true "v6only"

assert_eq "$(connect_from_client $SRV6 8443)" refused "outcome on [v6]:8443"
line=$(wait_refusal '.dport == 8443') || fail "no refusal for 8443"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "on 0.0.0.0:8443, IPv4 only: this client came over IPv6"
assert_text "tcp_listen (pid $LO_PID) on 127.0.0.1:80 only, not on $SRV4 -- bound to the wrong address?"
assert_text "tcp_listen (pid $V6_PID) on [::]:443, with IPV6_V6ONLY: it does not take IPv4 clients"
assert_text "tcp_listen (pid $V4_PID) on 0.0.0.0:8443, IPv4 only: this client came over IPv6"

# The listeners do take what they are bound for: no refusal, no hint.
assert_eq "$(connect_from_client $SRV6 443)" connected "v6 on 443"
assert_eq "$(connect_from_client $SRV4 8443)" connected "v4 on 8443"
stop_tracer
assert_eq "$(count_refusals '.dport == 443 and .family == "ipv6"')" 0 "refusals for accepted v6"
assert_eq "$(count_refusals '.dport == 8443 and .family == "ipv4"')" 0 "refusals for accepted v4"
pass
