#!/bin/bash
# A connection that is accepted (v4 and v6) yields no refusal at all, and
# the tracer exits 0 with its final stats on SIGINT. Accepted connections
# are no LISTEN transitions: the listener is still known afterwards (their
# child sockets leave LISTEN for SYN_RECV, which is not a stop).
. "$(dirname "$0")/lib.sh"
setup_pair
start_listener "$SRV" :: 8080
start_tracer

for i in 1 2 3; do
	assert_eq "$(connect_from_client $SRV4 8080)" connected "v4 client outcome"
	assert_eq "$(connect_from_client $SRV6 8080)" connected "v6 client outcome"
done
# A refusal afterwards proves the tracer was watching all along.
assert_eq "$(connect_from_client $SRV4 8081)" refused "client outcome on 8081"
line=$(wait_refusal '.dport == 8081') || fail "no refusal for the closed port 8081"
jq -e '.last_listener == null and
	any(.listeners[]; .port == 8080 and .relation == "other_port")' <<<"$line" >/dev/null ||
	fail "the listener on 8080 was lost or called stopped after accepting: $line"
stop_tracer
jq -e 'select(.event == "stats" and .final) | .listen_seen < 6' "$OUT" >/dev/null ||
	fail "accepted connections were counted as LISTEN transitions"
assert_eq "$(count_refusals '.dport == 8080')" 0 "refusals for accepted connections"
assert_eq "$(count_refusals 'true')" 1 "refusals in the server netns"
pass
