#!/bin/bash
# A drop that is neither a socket nor a firewall: strict reverse-path
# filtering on the server drops a SYN whose source routes out another
# interface. Cause other_drop, the kernel's reason, and what it means.
. "$(dirname "$0")/lib.sh"
setup_pair
SPOOFED=198.51.100.200
cli ip addr add $SPOOFED/24 dev wr-c
srv ip link add wr-s2 type veth peer name wr-s3
srv ip link set wr-s2 up
srv ip link set wr-s3 up
srv ip route add 198.51.100.128/25 dev wr-s2
# ARP from the spoofed source would fail the same check: skip it.
cli ip neigh replace $SRV4 lladdr "$(srv cat /sys/class/net/wr-s/address)" dev wr-c
srv sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.wr-s.rp_filter=1
start_tracer

assert_eq "$(connect_from_client $SRV4 22 1200 $SPOOFED)" timeout "client outcome"
line=$(wait_refusal '.dport == 22') || fail "no refusal event"
assert_refusal_contract "$line"
assert_field "$line" cause other_drop
assert_field "$line" reason IP_RPFILTER
assert_field "$line" saddr $SPOOFED
assert_contains "$(jq -r .explanation <<<"$line")" "reverse-path filter (rp_filter)"
assert_text "$SPOOFED:"
assert_text "reverse-path filter (rp_filter)"
stop_tracer
pass
