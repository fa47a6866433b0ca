#!/bin/bash
# An nft reject in a chain reached by `jump` (as ufw and firewalld build
# them): the first refusal starts tracing the flow, the client's retry names
# table, chain (the one holding the rule), handle, text and verdict.
. "$(dirname "$0")/lib.sh"
setup_pair
start_listener "$SRV" 0.0.0.0 22
srv nft -f - <<'NFT'
table inet wrfw {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 22 jump ssh_rules
	}
	chain ssh_rules {
		ip saddr 192.0.2.0/24 counter reject with tcp reset
	}
}
NFT
handle=$(nft_handle inet wrfw ssh_rules "reject with tcp reset")
[ -n "$handle" ] || fail "no handle for the test's own rule"
start_tracer

assert_eq "$(connect_from_client $SRV4 22)" refused "first attempt"
line=$(wait_refusal '.dport == 22') || fail "no refusal event"
assert_field "$line" rule.backend nftables
assert_field "$line" rule.status "pending retry"
if assert_answer "$line" firewall_reject tcp-reset; then	# the default mode: see lib.sh
	assert_field "$line" rule.verdict "reject with tcp reset"
else
	assert_field "$line" rule.verdict "reject or drop"
fi

assert_eq "$(connect_from_client $SRV4 22)" refused "second attempt"
line=$(wait_refusal '.dport == 22 and .rule.status == "found"') || fail "the retry did not name the rule"
assert_refusal_contract "$line"
assert_field "$line" cause firewall_reject
assert_field "$line" reply tcp-reset
assert_field "$line" rule.family inet
assert_field "$line" rule.table wrfw
assert_field "$line" rule.chain ssh_rules
assert_field "$line" rule.handle "$handle"
assert_field "$line" rule.number 1
# As nft prints it: "meta l4proto tcp ip saddr 192.0.2.0/24 counter reject with tcp reset"
text=$(nft_rule_text inet wrfw ssh_rules "$handle")
assert_contains "$text" "ip saddr 192.0.2.0/24 counter reject with tcp reset"
assert_field "$line" rule.text "$text"
assert_field "$line" rule.verdict "reject with tcp reset"
assert_contains "$(jq -r .explanation <<<"$line")" \
	"rule: nft inet wrfw, chain ssh_rules, handle $handle: \"$text\""
assert_text "-> $SRV4:22  a firewall rule rejected the SYN with tcp-reset; the client sees Connection refused; rule: nft inet wrfw, chain ssh_rules, handle $handle"
stop_tracer
pass
