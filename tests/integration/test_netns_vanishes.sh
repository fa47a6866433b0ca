#!/bin/bash
# Refusals in network namespaces deleted right after: the tracer looks up
# listeners, names and rules in a namespace that may be gone. No crash, no
# hang, every refusal printed, a clean exit.
. "$(dirname "$0")/lib.sh"
setup_pair
start_tracer
# All made first: a deleted namespace's inode number may be reused by the next.
for ((i = 0; i < 6; i++)); do
	EXTRA_NETNS+=("wrt-v$i-$$")
	ip netns add "wrt-v$i-$$"
	ip netns exec "wrt-v$i-$$" ip link set lo up
done
for ((i = 0; i < 6; i++)); do
	ip netns exec "wrt-v$i-$$" "$HELPERS/tcp_connect" 127.0.0.1 9 >/dev/null || true
	ip netns del "wrt-v$i-$$"
done
for ((i = 0; i < 100; i++)); do
	[ "$(jq -c 'select(.event == "refusal" and .daddr == "127.0.0.1" and .dport == 9)' "$OUT" |
		wc -l)" -ge 6 ] && break
	sleep 0.05
done
kill -0 "$TRACER_PID" 2>/dev/null || fail "tracer died: $(cat "$ERR")"
stop_tracer
n=$(jq -c 'select(.event == "refusal" and .daddr == "127.0.0.1" and .dport == 9)' "$OUT" | wc -l)
assert_eq "$n" 6 "refusals from the vanished namespaces"
assert_eq "$(jq -r 'select(.event == "refusal" and .dport == 9) | .netns' "$OUT" | sort -u | wc -l)" 6 \
	"distinct namespaces"
pass
