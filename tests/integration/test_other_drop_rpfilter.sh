#!/bin/bash
# A drop that is neither a socket nor a firewall: strict reverse-path
# filtering on the server drops a SYN whose source routes out another
# interface. Cause other_drop, the kernel's reason, and what it means; the
# rp_filter in force, the route back (ip route get) and the command that
# makes the check loose, which works.
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
# The sysctl in force where the SYN came in, and the way back that fails the check.
jq -e --arg ns "$SRV" '.route_back.dev == "wr-s2" and .route_back.rp_filter == 1 and
	.route_back.in_dev == "wr-s" and
	.route_back.command == "ip netns exec " + $ns + " ip route get 198.51.100.200" and
	any(.hints[]; contains("the way back leaves by wr-s2, not by wr-s") and
		endswith("ip netns exec " + $ns + " sysctl -w net/ipv4/conf/wr-s/rp_filter=2"))' \
	<<<"$line" >/dev/null || fail "rp_filter drop without its sysctl and way back: $line"
assert_text "rp_filter in force on wr-s: 1 (strict"
# The command shown works: loose mode lets the next SYN through to the (closed)
# port; its RST leaves by wr-s2, so the client still times out.
eval "$(jq -r '.hints[] | select(contains("sysctl -w")) | sub(".*: "; "")' <<<"$line")" >/dev/null
connect_from_client $SRV4 22 1200 $SPOOFED >/dev/null
wait_refusal ".cause == \"no_listener\" and .saddr == \"$SPOOFED\"" >/dev/null ||
	fail "the SYN was still dropped after the hint's sysctl"
stop_tracer
pass
