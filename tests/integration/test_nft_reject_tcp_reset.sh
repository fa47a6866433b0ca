#!/bin/bash
# A listener exists, but an nft rule rejects with tcp reset first:
# firewall_reject, the answer was a RST, the client sees Connection refused.
# (The first SYN is firewall_blocked where the default mode did not watch the
# answer yet: lib.sh's told_refusal asserts that, and the retry, told.)
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
line=$(told_refusal '.dport == 5432 and .family == "ipv4"' firewall_reject tcp-reset $SRV4 5432)
assert_refusal_contract "$line"
assert_field "$line" reason NETFILTER_DROP
assert_field "$line" reply tcp-reset
assert_field "$line" client_sees "Connection refused"
assert_contains "$(jq -r .explanation <<<"$line")" "rejected the SYN with tcp-reset"
assert_eq "$(jq -r '.explanation | test("its verdict")' <<<"$line")" false "told by its answer"

# IPv6 through the same inet table.
assert_eq "$(connect_from_client $SRV6 5432)" refused "v6 client outcome"
line=$(told_refusal '.dport == 5432 and .family == "ipv6"' firewall_reject tcp-reset $SRV6 5432)
assert_field "$line" reply tcp-reset
stop_tracer
pass
