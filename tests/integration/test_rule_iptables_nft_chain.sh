#!/bin/bash
# iptables-nft (Debian's `iptables`): a DROP in a user chain reached from
# INPUT, and a kube-proxy-shaped REJECT with a comment. The backend is
# nftables (iptables-nft keeps its rules there); the rule is shown as
# `iptables -S` shows it, as its author wrote it: comment and --reject-with
# included (nft's listing of the same rule loses both).
. "$(dirname "$0")/lib.sh"
setup_pair
srv iptables-nft -N WR_BLOCK
srv iptables-nft -A INPUT -p tcp --dport 8080 -j WR_BLOCK
srv iptables-nft -A WR_BLOCK -s $CLI4 -j DROP
srv iptables-nft -A INPUT -d $SRV4 -p tcp --dport 8443 \
	-m comment --comment "default/web:https has no endpoints" \
	-j REJECT --reject-with icmp-port-unreachable
start_tracer

assert_eq "$(connect_from_client $SRV4 8080 800)" timeout "first attempt"
line=$(wait_refusal '.dport == 8080') || fail "no refusal event"
assert_answer "$line" firewall_drop none || true	# the default mode: see lib.sh
assert_field "$line" rule.status "pending retry"
assert_eq "$(connect_from_client $SRV4 8080 800)" timeout "second attempt"
line=$(wait_refusal '.dport == 8080 and .rule.status == "found"') || fail "the retry did not name the rule"
assert_field "$line" cause firewall_drop
assert_field "$line" rule.backend nftables
assert_field "$line" rule.family ip
assert_field "$line" rule.table filter
assert_field "$line" rule.chain WR_BLOCK
assert_field "$line" rule.number 1
assert_field "$line" rule.verdict drop
assert_field "$line" rule.syntax iptables
assert_field "$line" rule.text "-A WR_BLOCK -s $CLI4/32 -j DROP"
handle=$(nft_handle ip filter WR_BLOCK "ip saddr $CLI4")
assert_eq "$(jq -r .rule.handle <<<"$line")" "$handle" "handle"
assert_text "rule: iptables -t filter, chain WR_BLOCK, rule 1 (nft handle $handle): \"-A WR_BLOCK -s $CLI4/32 -j DROP\""

want="-A INPUT -d $SRV4/32 -p tcp -m tcp --dport 8443 -m comment --comment \"default/web:https has no endpoints\" -j REJECT --reject-with icmp-port-unreachable"
assert_eq "$(srv iptables-nft -S INPUT | grep -F -- '--dport 8443')" "$want" "iptables -S itself"
assert_eq "$(connect_from_client $SRV4 8443)" refused "first attempt to 8443"
wait_refusal '.dport == 8443' >/dev/null || fail "no refusal for 8443"
assert_eq "$(connect_from_client $SRV4 8443)" refused "retry to 8443"
line=$(wait_refusal '.dport == 8443 and .rule.status == "found"') || fail "the retry did not name the rule"
assert_field "$line" cause firewall_reject
assert_field "$line" rule.chain INPUT
assert_field "$line" rule.number 2
assert_field "$line" rule.text "$want"
assert_field "$line" rule.verdict "reject with icmp port-unreachable"
assert_text "rule: iptables -t filter, chain INPUT, rule 2 (nft handle"
assert_text "--comment \"default/web:https has no endpoints\" -j REJECT --reject-with icmp-port-unreachable"
stop_tracer
pass
