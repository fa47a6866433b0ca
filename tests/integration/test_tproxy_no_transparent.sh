#!/bin/bash
# An iptables TPROXY rule whose --on-port has no transparent socket: the
# kernel drops the SYN in the rule (NF_DROP), and whyrefused names the rule
# and says why: no IP_TRANSPARENT socket listens on that port, and what
# listens there instead (a proxy started without IP_TRANSPARENT).
. "$(dirname "$0")/lib.sh"
setup_pair
srv iptables-nft -t mangle -A PREROUTING -p tcp --dport 8080 \
	-j TPROXY --on-port 9999 --on-ip 0.0.0.0 --tproxy-mark 0x1/0x1
start_listener "$SRV" 0.0.0.0 9999
PROXY_PID=$LISTENER_PID
start_tracer

assert_eq "$(connect_from_client $SRV4 8080 800)" timeout "first attempt"
wait_refusal '.dport == 8080' >/dev/null || fail "no refusal event"
assert_eq "$(connect_from_client $SRV4 8080 800)" timeout "second attempt"
line=$(wait_refusal '.dport == 8080 and .rule.status == "found"' 10) ||
	fail "the retry did not name the rule"
jq -e --argjson pid "$PROXY_PID" '
	.cause == "firewall_drop" and .reply == "none" and .reason == "NETFILTER_DROP" and
	.rule.table == "mangle" and .rule.chain == "PREROUTING" and
	(.rule.text | contains("-j TPROXY --on-port 9999")) and
	.rule.verdict == "tproxy to port 9999: no transparent socket" and
	(.explanation | startswith("a TPROXY rule hands the SYN to port 9999, where no transparent (IP_TRANSPARENT) socket listens")) and
	any(.hints[]; contains("(pid \($pid))") and contains("without IP_TRANSPARENT"))' \
	<<<"$line" >/dev/null || fail "the TPROXY drop is not told as the missing transparent socket: $line"
assert_text "a TPROXY rule hands the SYN to port 9999, where no transparent (IP_TRANSPARENT) socket listens"
assert_text "listens on port 9999 without IP_TRANSPARENT"
stop_tracer
pass
