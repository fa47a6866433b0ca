#!/bin/bash
# A published port filtered in FORWARD (as Docker's DOCKER-USER and
# firewalld's policies do): the server namespace DNATs 8080 to a backend's
# :80 and a forward-chain rule rejects that. The refusal is in the server
# namespace, says what the client dialled and that DNAT here sent it to the
# backend, and the retry names the forward rule (the trace must follow the
# flow as the client addressed it: at prerouting it is not translated yet).
. "$(dirname "$0")/lib.sh"
setup_pair
setup_backend
start_listener "$OTHER" 0.0.0.0 80
srv nft -f - <<NFT
table ip wrnat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		tcp dport 8080 dnat to $BACK4:80
	}
}
table inet wrfwd {
	chain forward {
		type filter hook forward priority 0; policy accept;
		ip daddr $BACK4 tcp dport 80 reject with tcp reset
	}
}
NFT
start_tracer

assert_eq "$(connect_from_client $SRV4 8080)" refused "first attempt"
line=$(wait_refusal '.daddr == "'$BACK4'"') || fail "no refusal in the forwarding namespace"
assert_answer "$line" firewall_reject tcp-reset || true	# the default mode: see lib.sh
assert_field "$line" nat.daddr $SRV4
assert_field "$line" nat.dport 8080
assert_contains "$(jq -r .explanation <<<"$line")" \
	"the client dialled $SRV4:8080 and DNAT in this network namespace sent it to $BACK4:80"
assert_eq "$(connect_from_client $SRV4 8080)" refused "retry"
line=$(wait_refusal '.rule.status == "found"') || fail "the retry did not name the forward rule"
assert_field "$line" cause firewall_reject
assert_field "$line" rule.family inet
assert_field "$line" rule.table wrfwd
assert_field "$line" rule.chain forward
assert_field "$line" rule.text "ip daddr $BACK4 tcp dport 80 reject with tcp reset"
stop_tracer
pass
