#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make demo: a server and a client in throw-away network namespaces, the
# tracer watching, and one refusal of each kind. Cleans up on exit.
. "$(dirname "$0")/../tests/integration/lib.sh"
TEST=demo

echo "== a server ($SRV4) and a client ($CLI4) in two network namespaces"
setup_pair
start_listener "$SRV" 0.0.0.0 5432
start_listener "$SRV" 0.0.0.0 8080
srv nft -f - <<'NFT'
table inet demo {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 5432 reject with tcp reset
		tcp dport 8080 drop
	}
}
NFT
srv iptables -A INPUT -p tcp --dport 3306 -j REJECT --reject-with icmp-host-prohibited
echo "   listening: 5432 (nft rejects it), 8080 (nft drops it); nothing on 22 or 3306"
echo "   (iptables rejects 3306 with icmp-host-prohibited)"
echo
echo "== whyrefused is running; the client tries four connections:"
start_tracer		# --json into $OUT
"$WR" --duration 60 --color always >"$WORK/demo.out" 2>"$WORK/demo.err" &
TEXT_PID=$!
PIDS+=($TEXT_PID)
for ((i = 0; i < 100; i++)); do grep -q 'Ctrl-C to stop' "$WORK/demo.err" && break; sleep 0.05; done
for target in "$SRV4 22" "$SRV4 5432" "$SRV4 3306" "$SRV4 8080"; do
	printf '   client: connect %-16s -> %s\n' "${target/ /:}" "$(connect_from_client $target 1500)"
done
sleep 0.5
kill -INT "$TEXT_PID"; wait "$TEXT_PID" || true
stop_tracer
echo
echo "== what whyrefused printed:"
cat "$WORK/demo.out"
echo
echo "== and as JSON lines (whyrefused --json), one refusal:"
jq -c 'select(.event == "refusal")' "$OUT" | head -n 1
echo
echo "== done; the namespaces and rules are gone again."
