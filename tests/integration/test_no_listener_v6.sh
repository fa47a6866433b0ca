#!/bin/bash
# The same over IPv6.
. "$(dirname "$0")/lib.sh"
setup_pair
start_tracer

seen=$(connect_from_client $SRV6 2222)
assert_eq "$seen" refused "client outcome"

line=$(wait_refusal '.dport == 2222') || fail "no refusal event for [$SRV6]:2222"
assert_refusal_contract "$line"
assert_field "$line" cause no_listener
assert_field "$line" family ipv6
assert_field "$line" saddr $CLI6
assert_field "$line" daddr $SRV6
assert_field "$line" reason NO_SOCKET
assert_contains "$(jq -r .explanation <<<"$line")" "no socket listens on [$SRV6]:2222"
stop_tracer
pass
