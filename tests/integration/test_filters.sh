#!/bin/bash
# --port and --src run in the kernel: only SYNs to the given ports from the
# given sources are reported; the others are counted as filtered.
. "$(dirname "$0")/lib.sh"
setup_pair
start_tracer --port 22,2000-2001 --src 198.51.100.0/24 --src 2001:db8::2

assert_eq "$(connect_from_client $SRV4B 22 1000 $CLI4B)" refused "outcome 1"
assert_eq "$(connect_from_client $SRV4 22 1000 $CLI4)" refused "outcome 2"
assert_eq "$(connect_from_client $SRV4B 23 1000 $CLI4B)" refused "outcome 3"
assert_eq "$(connect_from_client $SRV4B 2001 1000 $CLI4B)" refused "outcome 4"
assert_eq "$(connect_from_client $SRV6 2000)" refused "outcome 5"
wait_refusal '.family == "ipv6" and .dport == 2000' >/dev/null || fail "v6 SYN from an included source not reported"
wait_refusal '.dport == 2001' >/dev/null || fail "SYN to a port in the range not reported"
stop_tracer

assert_eq "$(count_refusals ".dport == 22 and .saddr == \"$CLI4B\"")" 1 "included source and port"
assert_eq "$(count_refusals ".saddr == \"$CLI4\"")" 0 "excluded source"
assert_eq "$(count_refusals '.dport == 23')" 0 "excluded port"
filtered=$(jq -r 'select(.event == "stats") | .filtered' "$OUT")
[ "$filtered" -ge 2 ] || fail "excluded SYNs not counted as filtered ($filtered)"
pass
