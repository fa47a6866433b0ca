#!/bin/bash
# A listener exists, but an nft rule rejects with tcp reset first:
# firewall_reject, the answer was a RST, the client sees Connection refused.
. "$(dirname "$0")/lib.sh"
setup_pair
start_listener "$SRV" 0.0.0.0 5432
srv nft -f - <<'NFT'
table inet wrtest {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 5432 reject with tcp reset
	}
}
NFT
start_tracer

assert_eq "$(connect_from_client $SRV4 5432)" refused "client outcome"
line=$(wait_refusal '.dport == 5432') || fail "no refusal event"
assert_refusal_contract "$line"
assert_field "$line" reason NETFILTER_DROP
if ! assert_answer "$line" firewall_reject tcp-reset; then
	# The default mode: that firewall_blocked attached net_dev_queue; the retry is exact.
	wait_json "$OUT" '.event == "attach" and .hooks.replies == "tp_btf/net_dev_queue"' 5 \
		>/dev/null || fail "no attach record for net_dev_queue after firewall_blocked"
	assert_eq "$(connect_from_client $SRV4 5432)" refused "retry"
	line=$(wait_refusal '.dport == 5432 and .cause != "firewall_blocked"') ||
		fail "the retry was not told by its answer"
fi
assert_field "$line" cause firewall_reject
assert_field "$line" reply tcp-reset
assert_field "$line" client_sees "Connection refused"
assert_contains "$(jq -r .explanation <<<"$line")" "rejected the SYN with tcp-reset"

# IPv6 through the same inet table (answers watched by now, in every mode).
assert_eq "$(connect_from_client $SRV6 5432)" refused "v6 client outcome"
line=$(wait_refusal '.dport == 5432 and .family == "ipv6"') || fail "no v6 refusal event"
assert_field "$line" cause firewall_reject
assert_field "$line" reply tcp-reset
stop_tracer
pass
