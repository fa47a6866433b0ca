#!/bin/bash
# Nothing listens on the server's port 22: RST, cause no_listener.
. "$(dirname "$0")/lib.sh"
setup_pair
start_tracer

seen=$(connect_from_client $SRV4 22)
assert_eq "$seen" refused "client outcome"

line=$(wait_refusal '.dport == 22') || fail "no refusal event for port 22"
assert_refusal_contract "$line"
assert_field "$line" cause no_listener
assert_field "$line" family ipv4
assert_field "$line" saddr $CLI4
assert_field "$line" daddr $SRV4
assert_field "$line" reason NO_SOCKET
assert_field "$line" client_sees "Connection refused"
assert_contains "$(jq -r .explanation <<<"$line")" "no socket listens on $SRV4:22"
assert_eq "$(jq -r .ifindex <<<"$line")" "$(srv cat /sys/class/net/wr-s/ifindex)" "ifindex"
stop_tracer
assert_eq "$(count_refusals '.dport == 22')" 1 "refusals for one attempt"
pass
