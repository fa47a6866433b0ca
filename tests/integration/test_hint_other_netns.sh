#!/bin/bash
# The service runs in another network namespace (a container whose port is
# not published): the refusal names that namespace and the process.
. "$(dirname "$0")/lib.sh"
setup_pair
ip netns add "$OTHER"
other ip link set lo up
start_listener "$OTHER" 0.0.0.0 5000
CONTAINER_PID=$LISTENER_PID
start_tracer

assert_eq "$(connect_from_client $SRV4 5000)" refused "client outcome"
line=$(wait_refusal '.dport == 5000') || fail "no refusal event"
other_ns=$(stat -L -c %i "/run/netns/$OTHER")
assert_contains "$(jq -r '.hints[0]' <<<"$line")" \
	"tcp_listen (pid $CONTAINER_PID) on 0.0.0.0:5000 in another network namespace, netns $other_ns (/run/netns/$OTHER)"
rel=$(jq -c '.listeners[] | select(.relation == "other_netns")' <<<"$line")
assert_eq "$(jq -r .netns <<<"$rel")" "$other_ns" "related netns"
assert_eq "$(jq -r .pid <<<"$rel")" "$CONTAINER_PID" "related pid"
assert_text "tcp_listen (pid $CONTAINER_PID) on 0.0.0.0:5000 in another network namespace, netns $other_ns (/run/netns/$OTHER) -- a container whose port is not published or forwarded?"
stop_tracer
pass
