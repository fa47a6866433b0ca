#!/bin/bash
# A burst of refusals above --rate-limit: a few are reported, the rest are
# counted by cause, and the kernel counters add up:
#   seen = filtered + folded + ringbuf_full + emitted + rate_limited_*
. "$(dirname "$0")/lib.sh"
setup_pair
start_tracer --rate-limit 2

# 60 attempts, each from a new port: no folding, only the limit holds them.
for ((i = 0; i < 60; i++)); do
	cli "$HELPERS/tcp_connect" $SRV4 9 >/dev/null || true
done
stop_tracer

stats=$(jq -c 'select(.event == "stats" and .final == true)' "$OUT")
printed=$(count_refusals '.dport == 9')
emitted=$(jq -r .emitted <<<"$stats")
limited=$(jq -r .rate_limited_no_listener <<<"$stats")
[ "$printed" -ge 1 ] || fail "nothing reported: $stats"
# The bucket holds one second of events per CPU; the burst lasts a few seconds.
[ "$printed" -le 20 ] || fail "$printed refusals printed despite --rate-limit 2: $stats"
[ "$limited" -ge 40 ] || fail "rate_limited_no_listener=$limited: $stats"
# Every emitted event became a record (in any namespace: the host may have others).
assert_eq "$(jq -c 'select(.event == "refusal")' "$OUT" | wc -l)" "$emitted" \
	"refusal records vs emitted"
jq -e '.seen == .filtered + .folded + .ringbuf_full + .emitted + .rate_limited_no_listener +
	.rate_limited_firewall + .rate_limited_backlog + .rate_limited_other + .rate_limited_handshake' <<<"$stats" \
	>/dev/null || fail "kernel counters do not add up: $stats"
jq -e '.received == .emitted + .listen_seen - .listen_lost' <<<"$stats" >/dev/null ||
	fail "received != emitted + listen events: $stats"
pass "$printed of 60 reported, $limited rate-limited"
