#!/bin/bash
# --no-trace: the tracer adds nothing to the ruleset; the refusal still says
# firewall_reject and why the rule is not named.
. "$(dirname "$0")/lib.sh"
setup_pair
srv nft -f - <<'NFT'
table inet wrfw {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 22 reject with tcp reset
	}
}
NFT
start_tracer --no-trace
for attempt in 1 2; do
	assert_eq "$(connect_from_client $SRV4 22)" refused "attempt $attempt"
	line=$(wait_refusal '.dport == 22') || fail "no refusal event"
	sleep 0.2
done
# The second attempt's answer is watched in every mode (the first attached net_dev_queue).
line=$(wait_refusal '.dport == 22 and .cause == "firewall_reject"') ||
	fail "the second attempt was not told by its answer"
assert_field "$line" rule.status "tracing off (--no-trace)"
assert_eq "$(srv nft list tables)" "table inet wrfw" "tables while tracing"
assert_eq "$(count_refusals '.rule.status == "found"')" 0 "rules named"
stop_tracer
pass
