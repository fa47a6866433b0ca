#!/bin/bash
# An nft drop rule: no answer, the client times out; its retransmitted SYN
# is folded into the same attempt and counted, not reported twice.
. "$(dirname "$0")/lib.sh"
setup_pair
start_listener "$SRV" 0.0.0.0 8080
srv nft add table ip wrtest
srv nft add chain ip wrtest input '{ type filter hook input priority 0; }'
srv nft add rule ip wrtest input tcp dport 8080 drop
start_tracer

# 2.5 s: the client retransmits its SYN once, after 1 s.
assert_eq "$(connect_from_client $SRV4 8080 2500)" timeout "client outcome"
line=$(wait_refusal '.dport == 8080') || fail "no refusal event"
assert_refusal_contract "$line"
assert_field "$line" reason NETFILTER_DROP
if assert_answer "$line" firewall_drop none; then	# else firewall_blocked: see lib.sh
	assert_field "$line" reply none
	assert_field "$line" client_sees "Connection timed out"
fi
assert_eq "$(connect_from_client $SRV4 8080 500)" timeout "retry"
line=$(wait_refusal '.dport == 8080 and .rule.status == "found"') || fail "the retry was not named"
assert_field "$line" cause firewall_drop
assert_field "$line" reply none
assert_field "$line" client_sees "Connection timed out"
assert_contains "$(jq -r .explanation <<<"$line")" "dropped the SYN silently"
stop_tracer
assert_eq "$(count_refusals '.dport == 8080')" 2 "refusal lines for two attempts"
folded=$(jq -r 'select(.event == "stats") | .folded' "$OUT")
[ "$folded" -ge 1 ] || fail "the retransmitted SYN was not counted as folded ($folded)"
pass
