#!/bin/bash
# kube-proxy's rulesets as it renders them (tests/integration/fixtures: its
# nftables mode for the node's address 192.0.2.1, its iptables mode for its
# second address 198.51.100.1), both loaded in the server namespace before
# the tracers start, as on a node. Two Services: default/web:https (an
# externalIP, port 443, no endpoints: rejected) and default/api:http
# (NodePort 30080 / 30081, externalTrafficPolicy Local, no endpoint on this
# node: dropped).
# Each retry names the Service, the rule that matched (in nftables mode the
# verdict map lookup and its element, not only reject-chain), owner
# kube-proxy, and `kubectl get endpointslices` for that Service; no command
# shown has a hole.
. "$(dirname "$0")/lib.sh"
FIX=$ROOT/tests/integration/fixtures
setup_pair
srv nft -f "$FIX/kube-proxy-nftables.nft" || fail "the nftables fixture did not load"
srv iptables-restore --noflush <"$FIX/kube-proxy-iptables.rules" || fail "the iptables fixture did not load"
start_tracer

# refused_twice [DADDR] PORT OUTCOME COND: the first attempt starts tracing
# the flow, the retry names the rule; prints the retry's record.
refused_twice() {
	local daddr=$SRV4 port outcome cond n i
	[ $# -eq 4 ] && { daddr=$1; shift; }
	port=$1 outcome=$2 cond=$3
	n=$(count_refusals ".dport == $port and .daddr == \"$daddr\"")
	assert_eq "$(connect_from_client "$daddr" "$port" 800)" "$outcome" "first attempt to $daddr:$port"
	for ((i = 0; i < 100; i++)); do
		[ "$(count_refusals ".dport == $port and .daddr == \"$daddr\"")" -gt "$n" ] && break
		sleep 0.05
	done
	text_caught_up
	assert_eq "$(connect_from_client "$daddr" "$port" 800)" "$outcome" "retry to $daddr:$port"
	wait_refusal ".dport == $port and .daddr == \"$daddr\" and .rule.status == \"found\" and ($cond)" 10 ||
		fail "the retry to $port did not name kube-proxy's rule: $(tail -n 3 "$OUT")"
}
hints() { jq -r '.hints | join("\n")' <<<"$1"; }
no_placeholder() {
	local l
	while IFS= read -r l; do
		case "$l" in *ZONE*|*NAMESPACE*|*'{zone}'*|*'{service}'*|*'{name}'*|*'{namespace}'*|*'{*}'*)
			fail "a command with a hole: $l" ;; esac
	done < <(hints "$1"; jq -r '.rule.owner_command // ""' <<<"$1")
}
web_cmd="kubectl get endpointslices -n default -l kubernetes.io/service-name=web"
api_cmd="kubectl get endpointslices -n default -l kubernetes.io/service-name=api"

# nftables mode (192.0.2.1).
line=$(refused_twice 443 refused '.rule.table == "kube-proxy"')
assert_refusal_contract "$line"
assert_field "$line" cause firewall_reject
assert_field "$line" rule.chain reject-chain
assert_field "$line" rule.text reject
assert_field "$line" rule.path[-1].chain service-endpoints-check
assert_field "$line" rule.path[-1].text "ip daddr . meta l4proto . th dport vmap @no-endpoint-services"
assert_field "$line" rule.element.key "$SRV4 . tcp . 443"
assert_field "$line" rule.element.comment default/web:https
assert_field "$line" rule.element.verdict "goto reject-chain"
assert_field "$line" rule.kubernetes.service default/web:https
assert_field "$line" rule.kubernetes.endpoints none
assert_field "$line" rule.owner "kube-proxy (Service default/web:https)"
assert_field "$line" rule.owner_command "$web_cmd"
h=$(nft_handle ip kube-proxy service-endpoints-check "vmap @no-endpoint-services")
assert_contains "$(hints "$line")" "matched: chain service-endpoints-check, handle $h: \"ip daddr . meta l4proto . th dport vmap @no-endpoint-services\", element $SRV4 . tcp . 443 comment \"default/web:https\" : goto reject-chain"
assert_contains "$(hints "$line")" "kube-proxy: Service default/web:https has no endpoints (no ready Pod backs it)"
no_placeholder "$line"
assert_text "the rule belongs to kube-proxy (Service default/web:https): $web_cmd"
assert_text "element $SRV4 . tcp . 443 comment \"default/web:https\" : goto reject-chain"

line=$(refused_twice 30080 timeout '.rule.table == "kube-proxy"')
assert_field "$line" cause firewall_drop
assert_field "$line" rule.chain nodeport-endpoints-check
assert_field "$line" rule.text "ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports"
assert_field "$line" rule.element.key "tcp . 30080"
assert_field "$line" rule.element.verdict drop
assert_field "$line" rule.kubernetes.service default/api:http
assert_field "$line" rule.kubernetes.endpoints "none on this node"
assert_field "$line" rule.owner_command "$api_cmd"
assert_contains "$(hints "$line")" "kube-proxy: Service default/api:http has no local endpoints on this node"
no_placeholder "$line"
assert_text "the rule belongs to kube-proxy (Service default/api:http): $api_cmd"

# iptables mode (iptables-nft, Debian's default; 198.51.100.1).
line=$(refused_twice $SRV4B 443 refused '.rule.chain == "KUBE-EXTERNAL-SERVICES"')
assert_field "$line" rule.syntax iptables
assert_field "$line" rule.text "-A KUBE-EXTERNAL-SERVICES -d $SRV4B/32 -p tcp -m comment --comment \"default/web:https has no endpoints\" -m tcp --dport 443 -j REJECT --reject-with icmp-port-unreachable"
assert_field "$line" rule.kubernetes.service default/web:https
assert_field "$line" rule.kubernetes.endpoints none
assert_field "$line" rule.owner "kube-proxy (Service default/web:https)"
assert_field "$line" rule.owner_command "$web_cmd"
no_placeholder "$line"

line=$(refused_twice 30081 timeout '.rule.chain == "KUBE-EXTERNAL-SERVICES"')
assert_field "$line" rule.kubernetes.service default/api:http
assert_field "$line" rule.kubernetes.endpoints "none on this node"
assert_field "$line" rule.owner_command "$api_cmd"
no_placeholder "$line"
assert_text "kube-proxy: Service default/api:http has no local endpoints on this node (externalTrafficPolicy: Local)"
stop_tracer
pass
