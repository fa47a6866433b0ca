#!/bin/bash
# A scan of firewalled ports: 40 new flows in well under a second, each
# rejected. Every refusal is still reported, but naming rules stays cheap:
# at most 8 new flows a second start being traced in a namespace (the rest
# say `rate limited` and why), our tracing table never holds more than 16
# flows, and a traced flow's retry is still named.
. "$(dirname "$0")/lib.sh"
setup_pair
srv_input_table wrf "tcp dport 30000-30039 reject with tcp reset"
start_tracer --rate-limit 0

refused=$(cli "$HELPERS/tcp_refuse_burst" $SRV4 30000-30039 40)
assert_eq "$refused" 40 "refused connects"
for ((i = 0; i < 100; i++)); do
	[ "$(count_refusals '.cause == "firewall_reject" or .cause == "firewall_blocked"')" -ge 40 ] && break
	sleep 0.05
done
# The default mode: the first of the burst may be firewall_blocked (see lib.sh).
assert_eq "$(count_refusals '.cause == "firewall_reject" or .cause == "firewall_blocked"')" 40 \
	"refusals reported"
pending=$(count_refusals '.rule.status == "pending retry"')
limited=$(count_refusals '.rule.status == "rate limited"')
# The burst may straddle two one-second budgets: 16 at most.
[ "$pending" -ge 1 ] && [ "$pending" -le 16 ] || fail "$pending flows traced, expected 1-16"
assert_eq "$((pending + limited))" 40 "traced + rate limited"
line=$(wait_refusal '.rule.status == "rate limited"') || fail "no rate-limited rule"
assert_contains "$(jq -r .rule.error <<<"$line")" "new refused flows a second in this namespace"
# Flows, not rules: each flow has a rule in the prerouting chain `trace` and,
# where its interface is known, one in that interface's ingress chain.
rules=$(srv nft list chain inet "whyrefused_$TRACER_PID" trace | grep -c 'nftrace set 1' || true)
[ "$rules" -le 16 ] || fail "$rules flows in the tracing table, at most 16"

# A flow that is traced: its retry names the rule, text and all.
port=$(jq -r "select(.event == \"refusal\" and .netns == $(srv_netns_inode) and
	.rule.status == \"pending retry\") | .dport" "$OUT" | tail -n 1)
assert_eq "$(connect_from_client $SRV4 "$port")" refused "retry of $port"
line=$(wait_refusal ".dport == $port and .rule.status == \"found\"") ||
	fail "the retry of traced port $port was not named"
assert_field "$line" rule.text "tcp dport 30000-30039 reject with tcp reset"
assert_text "rule: not looked up: more than 8 new refused flows a second"
stop_tracer
pass "$pending traced, $limited rate limited"
