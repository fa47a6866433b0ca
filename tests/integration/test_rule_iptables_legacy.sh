#!/bin/bash
# iptables-legacy: no tracing there; the rule is found by its counters
# between the first refusal and the retry: table, chain, rule number, text.
. "$(dirname "$0")/lib.sh"
command -v iptables-legacy >/dev/null || fail "iptables-legacy missing (make deps)"
setup_pair
start_listener "$SRV" 0.0.0.0 3306
srv iptables-legacy -A INPUT -p tcp --dport 80 -j ACCEPT
srv iptables-legacy -A INPUT -p tcp --dport 3306 -j REJECT
start_tracer

assert_eq "$(connect_from_client $SRV4 3306)" refused "first attempt"
line=$(wait_refusal '.dport == 3306') || fail "no refusal event"
assert_field "$line" cause firewall_reject
assert_field "$line" location nf_hook_slow
assert_field "$line" rule.backend iptables-legacy
assert_field "$line" rule.status "pending retry"
assert_eq "$(connect_from_client $SRV4 3306)" refused "second attempt"
line=$(wait_refusal '.dport == 3306 and .rule.status == "found"') || fail "the retry did not name the rule"
assert_field "$line" rule.family ip
assert_field "$line" rule.table filter
assert_field "$line" rule.chain INPUT
assert_field "$line" rule.number 2
assert_field "$line" rule.text "-A INPUT -p tcp -m tcp --dport 3306 -j REJECT --reject-with icmp-port-unreachable"
assert_field "$line" rule.verdict "reject with icmp port-unreachable"
assert_text "rule: iptables-legacy -t filter, chain INPUT, rule 2: \"-A INPUT -p tcp -m tcp --dport 3306 -j REJECT"
stop_tracer
pass
