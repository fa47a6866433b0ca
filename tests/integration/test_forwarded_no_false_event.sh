#!/bin/bash
# A namespace that only forwards SYNs never reports them. The server
# namespace routes 192.0.2.0/24 <-> 203.0.113.0/24 to a backend namespace
# (a container behind a host) and DNATs its port 8080 to the backend's :80,
# as a published container port is. Nothing listens on the backend, which
# answers RST: one no_listener refusal, in the backend's namespace, and no
# event at all in the forwarding one (it used to report the first SYN of a
# DNAT'ed flow as LISTEN_DROP: consumed with no SYN-ACK). The same for a SYN
# routed to the backend without NAT. The refusal says what the client
# dialled and which namespace's DNAT sent it where (conntrack's entry), and
# does not blame a listener on :80 in another namespace (another container).
. "$(dirname "$0")/lib.sh"
setup_pair
setup_backend
cli ip route add 203.0.113.0/24 via $SRV4
srv nft -f - <<NFT
table ip wrnat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		tcp dport 8080 dnat to $BACK4:80
	}
}
NFT
# Another "container" with a listener on :80, not the one the port goes to.
WEB=wrt-w-$$
EXTRA_NETNS+=("$WEB")
ip netns add "$WEB"
ip netns exec "$WEB" ip link set lo up
start_listener "$WEB" 127.0.0.1 80
start_tracer

assert_eq "$(connect_from_client $SRV4 8080)" refused "DNAT'ed connect"
back_ns=$(stat -L -c %i "/run/netns/$OTHER")
line=$(wait_json "$OUT" ".event == \"refusal\" and .netns == $back_ns and .dport == 80" 10) ||
	fail "no refusal in the backend namespace"
assert_field "$line" cause no_listener
assert_field "$line" nat.daddr $SRV4
assert_field "$line" nat.dport 8080
assert_field "$line" nat.netns "$(srv_netns_inode)"
assert_field "$line" nat.to_daddr $BACK4
assert_field "$line" nat.to_dport 80
assert_contains "$(jq -r .explanation <<<"$line")" \
	"the client dialled $SRV4:8080 and DNAT in netns $(srv_netns_inode) (/run/netns/$SRV) sent it to $BACK4:80"
[ "$(jq '[.listeners[]? | select(.relation == "other_netns")] | length' <<<"$line")" = 0 ] ||
	fail "a listener in another namespace was blamed for a forwarded port: $line"
assert_text "the client dialled $SRV4:8080 and DNAT in netns"
assert_eq "$(connect_from_client $BACK4 81)" refused "routed connect"
line=$(wait_json "$OUT" ".event == \"refusal\" and .netns == $back_ns and .dport == 81" 10) ||
	fail "no refusal for the routed SYN in the backend namespace"
assert_field "$line" cause no_listener
[ "$(jq -r .nat <<<"$line")" = null ] || fail "a routed SYN has no NAT: $line"
sleep 1	# what the forwarding namespace would have reported has arrived by now
assert_eq "$(count_refusals true)" 0 "refusals reported in the forwarding namespace"
# (Only this scenario's namespaces: the tracer sees the whole host.)
mine="[$(srv_netns_inode), $back_ns, $(stat -L -c %i "/run/netns/$WEB")]"
others=$(jq -c "select(.event == \"refusal\" and (.netns | IN($mine[])) and .cause != \"no_listener\")" \
	"$OUT")
[ -z "$others" ] || fail "unexpected refusals: $others"
stop_tracer
pass
