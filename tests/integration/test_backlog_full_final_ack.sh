#!/bin/bash
# The other way a full accept queue refuses: the SYN got its SYN-ACK while
# there was room, but the handshake's final ACK arrives when the queue is
# full. The kernel (6.15+) drops that ACK with TCP_LISTEN_OVERFLOW; the
# client's connect() has already succeeded and it just hangs. Older kernels
# say nothing, but a function hook on tcp_v4_syn_recv_sock sees it: in the
# default mode from when the listener poll saw the queue full, so the
# refusal reported may be a retransmitted final ACK's.
. "$(dirname "$0")/lib.sh"
setup_pair
grep -q TCP_LISTEN_OVERFLOW <(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null) ||
	"$WR" --probe ${WR_BACKEND:+--backend "$WR_BACKEND"} ${WR_OPTS:-} |
		grep -cE '^  (backlog|on_demand) .*syn_recv_sock' >/dev/null ||
	{ pass "skipped: no TCP_LISTEN_OVERFLOW drop reason and no function hooks"; exit 0; }
start_listener "$SRV" 0.0.0.0 7100 1 noaccept
SLOW_PID=$LISTENER_PID
start_tracer

# One connection waits in the queue (backlog 1: one more still fits).
assert_eq "$(connect_from_client $SRV4 7100 1000)" connected "first connection"
# Two handshakes whose final ACKs the client's own firewall holds back...
cli nft -f - <<'NFT'
table inet wrt_hold {
	chain out {
		type filter hook output priority 0; policy accept;
		tcp dport 7100 tcp flags & (syn | rst) == 0 drop
	}
}
NFT
# 0.4 s apart, so that their SYN-ACK retransmits (1 s after each SYN) are
# answered one after the other: two ACKs handled at once on two CPUs can
# both pass the queue check.
held() {
	local i
	cli "$HELPERS/tcp_connect" $SRV4 7100 1000 - 6000 >"$WORK/held.$1" &
	PIDS+=($!)
	for ((i = 0; i < 20; i++)); do
		grep -q connected "$WORK/held.$1" 2>/dev/null && return 0
		sleep 0.02
	done
	fail "held connection $1 did not connect"
}
held 1
sleep 0.4
held 2
# ...until now: the SYN-ACK retransmits draw them out, the second finds the
# queue full.
cli nft delete table inet wrt_hold
# (The default mode with function hooks: after a poll, on a retransmitted ACK.)
# (A hold longer than the first SYN-ACK retransmit also makes a handshake_incomplete.)
line=$(wait_refusal '.dport == 7100 and .cause != "handshake_incomplete"' 15) || fail "no refusal event; server: $(srv ss -tan; srv nstat -az TcpExtListenOverflows)"
assert_refusal_contract "$line"
assert_field "$line" cause backlog_full
assert_field "$line" reason TCP_LISTEN_OVERFLOW
assert_field "$line" client_sees "a stalled connection (connect() succeeded)"
assert_eq "$(jq -r .listener.pid <<<"$line")" "$SLOW_PID" "listener pid"
assert_eq "$(jq -r .listener.backlog <<<"$line")" 1 "backlog"
assert_contains "$(jq -r .explanation <<<"$line")" \
	"the accept queue of tcp_listen (pid $SLOW_PID) on 0.0.0.0:7100 is full (2 waiting, backlog 1): the kernel dropped the handshake's final ACK"
assert_text "-> $SRV4:7100  the accept queue of tcp_listen (pid $SLOW_PID) on 0.0.0.0:7100 is full"
stop_tracer
pass
