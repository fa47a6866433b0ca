#!/bin/bash
# A SYN that crosses a bridge (containers on one network, a VM's tap, a
# transparent filter) is filtered where the bridge is: in the `bridge`
# family's chains, and — with br_netfilter on (bridge-nf-call-iptables, as
# Docker, Kubernetes and libvirt set it) — in iptables' FORWARD chain too.
# The server namespace here is that bridge: br0 joins the client's veth and
# the backend's. Each drop is reported in the bridge's namespace, for the
# backend's address, and its retry names the rule: the bridge table's, and
# the FORWARD rule (iptables -S syntax) that br_netfilter ran.
. "$(dirname "$0")/lib.sh"
setup_pair
ip netns add "$OTHER"
other ip link set lo up
ip link add wr-b netns "$SRV" type veth peer name wr-o netns "$OTHER"
BACK=192.0.2.5
other ip addr add $BACK/24 dev wr-o
other ip link set wr-o up
srv ip addr flush dev wr-s
srv ip link add br0 type bridge
srv ip link set wr-s master br0
srv ip link set wr-b master br0
srv ip link set wr-b up
srv ip addr add $SRV4/24 dev br0
srv ip link set br0 up
start_listener "$OTHER" 0.0.0.0 9000
start_listener "$OTHER" 0.0.0.0 9001
assert_eq "$(connect_from_client $BACK 9000)" connected "through the bridge, no rule yet"
srv nft -f - <<'NFT'
table bridge wrbr {
	chain forward {
		type filter hook forward priority 0; policy accept;
		tcp dport 9000 counter drop
	}
}
NFT
# br_netfilter off first (its default, 1, where the module is loaded): only
# the bridge family sees bridged frames, and its chains must be traced too.
modprobe br_netfilter 2>/dev/null || true	# a module on Debian's kernels
srv sysctl -qw net.bridge.bridge-nf-call-iptables=0
srv iptables -A FORWARD -p tcp --dport 9001 -m comment --comment "no 9001 across br0" -j DROP
start_tracer

bridge_ns=$(srv_netns_inode)
for port in 9000 9001; do
	[ $port = 9001 ] && srv sysctl -qw net.bridge.bridge-nf-call-iptables=1
	assert_eq "$(connect_from_client $BACK $port 800)" timeout "first attempt to $port"
	line=$(wait_refusal ".dport == $port") || fail "no refusal for $port in the bridge's namespace"
	assert_answer "$line" firewall_drop none || true	# the default mode: see lib.sh
	assert_field "$line" daddr $BACK
	assert_eq "$(connect_from_client $BACK $port 800)" timeout "retry to $port"
	line=$(wait_refusal ".dport == $port and .rule.status == \"found\"") ||
		fail "the retry did not name the rule for $port"
	assert_field "$line" netns "$bridge_ns"
	assert_field "$line" cause firewall_drop
done
line=$(wait_refusal '.dport == 9000 and .rule.status == "found"')
assert_field "$line" rule.family bridge
assert_field "$line" rule.table wrbr
assert_field "$line" rule.chain forward
assert_field "$line" rule.text "tcp dport 9000 counter drop"
assert_text "rule: nft bridge wrbr, chain forward, handle"
line=$(wait_refusal '.dport == 9001 and .rule.status == "found"')
assert_field "$line" rule.chain FORWARD
assert_field "$line" rule.syntax iptables
assert_field "$line" rule.text '-A FORWARD -p tcp -m tcp --dport 9001 -m comment --comment "no 9001 across br0" -j DROP'
# The backend's own namespace saw nothing refused.
assert_eq "$(jq -c "select(.event == \"refusal\" and .netns == $(stat -L -c %i /run/netns/$OTHER))" "$OUT" | wc -l)" 0 \
	"refusals in the backend's namespace"
stop_tracer
pass
