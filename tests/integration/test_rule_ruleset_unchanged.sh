#!/bin/bash
# The tracing table exists only while the tracer runs, and the ruleset is
# byte for byte what it was after the tracer exits: on Ctrl-C, and on kill -9
# (the table belongs to the tracer's netlink socket).
. "$(dirname "$0")/lib.sh"
setup_pair
srv nft -f - <<'NFT'
table inet wrfw {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 22 counter reject with tcp reset
	}
}
NFT
srv iptables-legacy -A INPUT -p tcp --dport 23 -j DROP
before=$(ruleset_dump)

start_tracer
assert_eq "$(connect_from_client $SRV4 22)" refused "attempt"
wait_refusal '.dport == 22 and .rule.status == "pending retry"' >/dev/null || fail "no refusal"
srv nft list tables | grep -c "table inet whyrefused_$TRACER_PID" >/dev/null ||
	fail "no trace table while tracing: $(srv nft list tables)"
stop_tracer
# The counter moved (that is traffic, not a change): compare without counters.
strip() { sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/; s/\[[0-9]+:[0-9]+\]/[counters]/'; }
assert_eq "$(ruleset_dump | strip)" "$(strip <<<"$before")" "ruleset after Ctrl-C"

start_tracer
assert_eq "$(connect_from_client $SRV4 22)" refused "attempt"
wait_refusal '.dport == 22 and .rule.status == "pending retry"' >/dev/null || fail "no refusal"
srv nft list tables | grep -c whyrefused_ >/dev/null || fail "no trace table while tracing"
kill -9 "$TRACER_PID" ${TEXT_PID:+"$TEXT_PID"}
wait "$TRACER_PID" ${TEXT_PID:+"$TEXT_PID"} 2>/dev/null || true
TRACER_PID= TEXT_PID=
for ((i = 0; i < 40; i++)); do
	srv nft list tables | grep -c whyrefused_ >/dev/null || break
	sleep 0.05
done
assert_eq "$(ruleset_dump | strip)" "$(strip <<<"$before")" "ruleset after kill -9"
pass
