#!/bin/bash
# --watch-client ADDR (issue 25 item 6): did the client's SYNs reach this
# host at all? Each watch is a capture (AF_PACKET, a classic BPF filter) in
# every namespace, its report once the client went quiet. A client whose SYN
# is accepted: reached, accepted (a SYN-ACK went back). One refused: reached,
# refused, with the refusal whyrefused reported. A client address whose SYNs
# the client's own firewall drops: none arrived, "the block is before this
# host".
. "$(dirname "$0")/lib.sh"
setup_pair
start_listener "$SRV" 0.0.0.0 8080
start_tracer --netns "$SRV" --watch-client "$CLI4" --watch-client "$CLI4B" \
	--watch-client "$CLI6/128" --watch-window 2s --watch-for 6s

# Accepted: the SYN-ACK left toward the client.
assert_eq "$(connect_from_client $SRV4 8080)" connected "client outcome on 8080"
line=$(wait_json "$OUT" '.event == "watch" and .verdict == "reached" and
	any(.connections[]; .dport == 8080)' 20) || fail "no watch report for the accepted connection"
jq -e --arg cli "$CLI4" --arg srv "$SRV4" --arg ns "$SRV" --argjson ino "$(srv_netns_inode)" '
	.client == $cli and .syns >= 1 and .namespaces == 1 and
	(.connections | length) == 1 and .connections[0].fate == "accepted" and
	.connections[0].saddr == $cli and .connections[0].daddr == $srv and
	.connections[0].dev == "wr-s" and .connections[0].netns == $ino and
	(.connections[0].netns_label | contains($ns)) and (.cause == null) and
	(.explanation | test("reached this host"))' <<<"$line" >/dev/null ||
	fail "accepted: the report lacks its facts: $line"
assert_text "WATCH    1 SYN from $CLI4 reached this host (1 connection)"
assert_text "-> $SRV4:8080 on wr-s in netns"
assert_text "accepted: a SYN-ACK went back"

# Refused: an RST went back, and whyrefused's own refusal is named.
assert_eq "$(connect_from_client $SRV4 9999)" refused "client outcome on 9999"
wait_refusal '.dport == 9999' >/dev/null || fail "no refusal for 9999"
line=$(wait_json "$OUT" '.event == "watch" and any(.connections[]; .dport == 9999)' 20) ||
	fail "no watch report for the refused connection"
jq -e '.verdict == "reached" and .connections[0].fate == "refused" and
	.connections[0].cause == "no_listener" and .connections[0].dev == "wr-s"' <<<"$line" \
	>/dev/null || fail "refused: the report lacks its facts: $line"
assert_text "refused: an RST went back (no_listener, reported above)"

# IPv6: refused too.
assert_eq "$(connect_from_client $SRV6 9999)" refused "IPv6 client outcome on 9999"
line=$(wait_json "$OUT" '.event == "watch" and .verdict == "reached" and
	any(.connections[]; .family == "ipv6" and .dport == 9999)' 20) ||
	fail "no watch report for the IPv6 client"
jq -e --arg cli "$CLI6" --arg srv "$SRV6" '.client == $cli and .connections[0].saddr == $cli and
	.connections[0].daddr == $srv and .connections[0].fate == "refused" and
	.connections[0].cause == "no_listener"' <<<"$line" >/dev/null ||
	fail "IPv6 refused: the report lacks its facts: $line"
assert_text "[$CLI6]:"
assert_text "-> [$SRV6]:9999 on wr-s in netns"

# None arrived: the client's own firewall drops its SYNs from $CLI4B.
cli nft add table inet wr_watch_fw
cli nft add chain inet wr_watch_fw out '{ type filter hook output priority 0; policy accept; }'
cli nft add rule inet wr_watch_fw out ip saddr "$CLI4B" tcp dport 8080 drop
assert_eq "$(connect_from_client $SRV4 8080 2000 $CLI4B)" timeout "client outcome from $CLI4B"
line=$(wait_json "$OUT" ".event == \"watch\" and .client == \"$CLI4B\"" 20) ||
	fail "no watch report for $CLI4B"
jq -e '.verdict == "none_arrived" and .syns == 0 and .connections == [] and .xdp == [] and
	(.explanation | test("the block is before this host: a cloud security group, a router ACL, the client.s firewall, or the client dials another address"))' \
	<<<"$line" >/dev/null || fail "none arrived: the report lacks its facts: $line"
assert_text "WATCH    no SYN from $CLI4B reached this host: the block is before this host"
# Said once, not every round of a renewed watch; no SYN of $CLI4B in $CLI4's reports.
sleep 7
assert_eq "$(jq -c "select(.event == \"watch\" and .client == \"$CLI4B\")" "$OUT" | wc -l)" 1 \
	"reports of none arriving from $CLI4B"
stop_tracer
pass
