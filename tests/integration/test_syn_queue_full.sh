#!/bin/bash
# A SYN queue overflow with syncookies off: clients whose ACKs never come
# back (their own firewall drops the SYN-ACKs) fill a small listener's SYN
# queue, and the next SYNs are dropped unanswered (TCPReqQFullDrop), with no
# kernel drop reason. whyrefused tells it with the listener, the counter and
# the sysctl. --all-hooks: the default mode watches consumed SYNs only once
# a listener's accept queue is seen full (docs/service.md, "The default mode").
. "$(dirname "$0")/lib.sh"
setup_pair
srv sysctl -qw net.ipv4.tcp_syncookies=0
start_listener "$SRV" 0.0.0.0 8080 2
cli nft -f - <<'NFT'
table inet wr_client_fw {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp flags & (syn | ack) == syn | ack drop
	}
}
NFT
start_tracer --all-hooks

pids=()
for i in 1 2 3 4 5 6; do
	connect_from_client $SRV4 8080 2500 >/dev/null &
	pids+=($!)
	sleep 0.1
done
wait "${pids[@]}"
line=$(wait_refusal '.reason == "SYN_QUEUE_FULL"' 10) || fail "no SYN queue overflow told"
jq -e --argjson pid "$LISTENER_PID" '
	.cause == "other_drop" and .syn_queue.req_full_drops >= 1 and .syn_queue.syncookies == 0 and
	(.explanation | startswith("the listener'"'"'s SYN queue is full and syncookies are off (net.ipv4.tcp_syncookies = 0)")) and
	.listener.pid == $pid and .listener.port == 8080 and
	any(.hints[]; startswith("TCPReqQFullDrop rose by "))' <<<"$line" >/dev/null ||
	fail "the SYN queue overflow lacks its facts: $line"
# The handshakes that did get a request socket are told as never completed.
wait_refusal '.cause == "handshake_incomplete" and .dport == 8080' >/dev/null ||
	fail "no handshake_incomplete for the clients whose ACKs never came"
assert_text "SYN queue is full and syncookies are off"
stop_tracer
pass
