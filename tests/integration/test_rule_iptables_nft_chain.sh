#!/bin/bash
# iptables-nft: a DROP in a user chain reached from INPUT. The backend is
# nftables (iptables-nft keeps its rules there), the chain is the user chain.
. "$(dirname "$0")/lib.sh"
setup_pair
srv iptables-nft -N WR_BLOCK
srv iptables-nft -A INPUT -p tcp --dport 8080 -j WR_BLOCK
srv iptables-nft -A WR_BLOCK -s $CLI4 -j DROP
start_tracer

assert_eq "$(connect_from_client $SRV4 8080 800)" timeout "first attempt"
line=$(wait_refusal '.dport == 8080') || fail "no refusal event"
assert_field "$line" cause firewall_drop
assert_field "$line" rule.status "pending retry"
assert_eq "$(connect_from_client $SRV4 8080 800)" timeout "second attempt"
line=$(wait_refusal '.dport == 8080 and .rule.status == "found"') || fail "the retry did not name the rule"
assert_field "$line" rule.backend nftables
assert_field "$line" rule.family ip
assert_field "$line" rule.table filter
assert_field "$line" rule.chain WR_BLOCK
assert_field "$line" rule.number 1
assert_field "$line" rule.verdict drop
assert_contains "$(jq -r .rule.text <<<"$line")" "ip saddr $CLI4"
assert_contains "$(jq -r .rule.text <<<"$line")" "drop"
assert_eq "$(jq -r .rule.handle <<<"$line")" "$(nft_handle ip filter WR_BLOCK "ip saddr $CLI4")" "handle"
assert_text "rule: nft ip filter, chain WR_BLOCK, handle"
stop_tracer
pass
