#!/bin/bash
# The stack's no-socket RST for a SYN is dropped on its way out (an output
# rule), so the tracer's note "this CPU is sending its own RST for flow F"
# is never taken. Later a REJECT answers a new SYN of the same 4-tuple on
# the same CPU: that RST is the firewall's answer and must not be mistaken
# for the stale note (it was: the event read as a silent drop).
. "$(dirname "$0")/lib.sh"
setup_pair
# One source port, one CPU: both attempts are the same flow, seen on the same CPU.
cli sysctl -qw net.ipv4.ip_local_port_range="40000 40000"
srv nft -f - <<'NFT'
table inet wrtest_out {
	chain output {
		type filter hook output priority 0; policy accept;
		tcp sport 7070 tcp flags rst drop
	}
}
NFT
# The stack's RST notes are read by net_dev_queue's program: watch answers from the start.
start_tracer --all-hooks

assert_eq "$(cli taskset -c 0 "$HELPERS/tcp_connect" $SRV4 7070 300 || true)" timeout \
	"first attempt, its RST dropped"
wait_refusal '.dport == 7070 and .cause == "no_listener"' >/dev/null ||
	fail "no no_listener event for the first attempt"

srv nft delete table inet wrtest_out
srv_input_table wrtest 'tcp dport 7070 reject with tcp reset'
assert_eq "$(cli taskset -c 0 "$HELPERS/tcp_connect" $SRV4 7070 || true)" refused \
	"second attempt, rejected"
line=$(wait_refusal '.dport == 7070 and .cause != "no_listener"') ||
	fail "no event for the rejected attempt"
assert_field "$line" sport 40000
assert_field "$line" cause firewall_reject
assert_field "$line" reply tcp-reset
stop_tracer
pass
