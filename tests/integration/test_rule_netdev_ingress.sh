#!/bin/bash
# A rule in a netdev table's ingress chain drops the SYN before any
# prerouting chain sees it (DDoS filters, some cloud agents write these).
# The trace rule must be there first: the retry names the ingress rule, as
# it does an `inet` ingress chain's.
. "$(dirname "$0")/lib.sh"
setup_pair
start_listener "$SRV" 0.0.0.0 8081
start_listener "$SRV" 0.0.0.0 8082
srv nft -f - <<'NFT'
table netdev wredge {
	chain ingress {
		type filter hook ingress device "wr-s" priority 0; policy accept;
		tcp dport 8081 counter drop
	}
}
table inet wrin {
	chain ingress {
		type filter hook ingress device "wr-s" priority 0; policy accept;
		tcp dport 8082 drop
	}
}
NFT
start_tracer

for port in 8081 8082; do
	assert_eq "$(connect_from_client $SRV4 $port 800)" timeout "first attempt to $port"
	line=$(wait_refusal ".dport == $port") || fail "no refusal for $port"
	assert_answer "$line" firewall_drop none || true	# the default mode: see lib.sh
	assert_field "$line" rule.status "pending retry"
	assert_eq "$(connect_from_client $SRV4 $port 800)" timeout "retry to $port"
	line=$(wait_refusal ".dport == $port and .rule.status == \"found\" and .cause == \"firewall_drop\"") ||
		fail "the retry did not name the ingress rule for $port"
	assert_field "$line" rule.chain ingress
	assert_field "$line" rule.verdict drop
done
line=$(wait_refusal '.dport == 8081 and .rule.status == "found"')
assert_field "$line" rule.family netdev
assert_field "$line" rule.table wredge
assert_field "$line" rule.text "tcp dport 8081 counter drop"
assert_text "rule: nft netdev wredge, chain ingress, handle"
line=$(wait_refusal '.dport == 8082 and .rule.status == "found"')
assert_field "$line" rule.family inet
assert_field "$line" rule.table wrin
stop_tracer
pass
