#!/bin/bash
# Naming a rule lists the namespace's ruleset with nft. A namespace can make
# that slow: here 40,000 rules in the chain that drops (an iptables-mode
# kube-proxy has as many), which nft takes seconds to list; it is stopped
# at 3 s. That work runs off the event loop: while it runs, every other
# refusal is still reported within a second of its SYN.
. "$(dirname "$0")/lib.sh"
setup_pair
python3 -c '
print("table inet wrslow {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t}\n}")
for k in range(40000):
	print("add rule inet wrslow input ip saddr 10.%d.%d.%d tcp dport %d drop" %
	      (k >> 16 & 255, k >> 8 & 255, k & 255, k % 60000 + 1))
print("add rule inet wrslow input tcp dport 2600 drop")
' >"$WORK/big.nft"
srv nft -f "$WORK/big.nft" || fail "cannot load the big chain"
start_tracer
WR_TEXT=0	# the assertions read the JSON tracer's timing

# The first SYN starts tracing the flow; its retry is named: nft runs, slowly.
connect_from_client $SRV4 2600 >/dev/null &
wait_refusal '.dport == 2600' 10 >/dev/null || fail "no refusal for 2600"
connect_from_client $SRV4 2600 >/dev/null &
PIDS+=($!)
sleep 0.3	# the retry's rule lookup is under way

# Meanwhile: refusals on a closed port, each seen within a second.
worst=0
for ((n = 1; n <= 6; n++)); do
	before=$(count_refusals '.dport == 2700')
	t0=$(date +%s%N)
	assert_eq "$(connect_from_client $SRV4 2700)" refused "closed port outcome"
	for ((i = 0; i < 60; i++)); do
		[ "$(count_refusals '.dport == 2700')" -gt "$before" ] && break
		sleep 0.05
	done
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$(count_refusals '.dport == 2700')" -gt "$before" ] || fail "refusal $n never reported"
	[ $ms -gt $worst ] && worst=$ms
	sleep 0.4
done
[ $worst -lt 1000 ] || fail "a refusal waited $worst ms behind a slow namespace's rule lookup"
# The slow lookup still ends: its refusal is reported, the rule named from the trace.
line=$(wait_refusal '.dport == 2600 and .rule.status == "found"' 10) ||
	fail "the retry of 2600 was never reported"
assert_field "$line" rule.table wrslow
stop_tracer
pass "worst delay $worst ms"
