#!/bin/bash
# Two tables hook input at different priorities; the first only counts, the
# second drops. The rule named is the second table's.
. "$(dirname "$0")/lib.sh"
setup_pair
start_listener "$SRV" 0.0.0.0 9000
srv nft -f - <<'NFT'
table inet early {
	chain input {
		type filter hook input priority -10; policy accept;
		tcp dport 9000 counter
	}
}
table inet late {
	chain input {
		type filter hook input priority 10; policy accept;
		tcp dport 9000 counter drop
	}
}
NFT
start_tracer
assert_eq "$(connect_from_client $SRV4 9000 800)" timeout "first attempt"
wait_refusal '.dport == 9000' >/dev/null || fail "no refusal event"
assert_eq "$(connect_from_client $SRV4 9000 800)" timeout "second attempt"
line=$(wait_refusal '.dport == 9000 and .rule.status == "found"') || fail "the retry did not name the rule"
assert_field "$line" cause firewall_drop
assert_field "$line" rule.table late
assert_field "$line" rule.chain input
assert_field "$line" rule.handle "$(nft_handle inet late input "tcp dport 9000")"
assert_field "$line" rule.verdict drop

# IPv6 through the same inet tables: traced and named the same way.
assert_eq "$(connect_from_client $SRV6 9000 800)" timeout "first v6 attempt"
wait_refusal '.dport == 9000 and .family == "ipv6"' >/dev/null || fail "no v6 refusal"
assert_eq "$(connect_from_client $SRV6 9000 800)" timeout "second v6 attempt"
line=$(wait_refusal '.family == "ipv6" and .rule.status == "found"') || fail "v6 retry: no rule"
assert_field "$line" rule.table late
assert_field "$line" rule.chain input
stop_tracer
pass
