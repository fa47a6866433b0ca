#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make demo: a server and a client in throw-away network namespaces, the
# tracer watching, and one refusal of each kind. Cleans up on exit.
. "$(dirname "$0")/../tests/integration/lib.sh"
TEST=demo
WR_TEXT=1	# the demo shows the text output, whatever the caller's environment

echo "== a server ($SRV4) and a client ($CLI4) in two network namespaces"
setup_pair
start_listener "$SRV" 0.0.0.0 2222
start_listener "$SRV" 0.0.0.0 5432
start_listener "$SRV" 0.0.0.0 8080
start_listener "$SRV" 0.0.0.0 7000 1 noaccept
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
echo "   listening: 2222 (not 22), 5432 (nft rejects it), 8080 (nft drops it),"
echo "   7000 (backlog 1, never accepts), 9000 (stopped below); nothing on 22 or 3306"
echo "   (iptables rejects 3306 with icmp-host-prohibited)"
echo
echo "== whyrefused is running; the client tries:"
start_listener "$SRV" 0.0.0.0 9000
TEXT_OPTS="--color always" start_tracer	# --json into $OUT, text into $TXT
kill "$LISTENER_PID"
# Firewalled ports twice: the first refusal starts tracing the flow, the
# retry names the rule. The last SYN to 7000 waits for the client's
# retransmissions (1 s, 3 s): the queue is seen full by the listener poll.
for target in "$SRV4 22" "$SRV4 5432" "$SRV4 5432" "$SRV4 3306" "$SRV4 3306" "$SRV4 8080" \
	"$SRV4 8080" "$SRV4 9000" "$SRV4 7000" "$SRV4 7000" "$SRV4 7000 3500"; do
	set -- $target
	printf '   client: connect %-16s -> %s\n' "$1:$2" "$(connect_from_client $1 $2 ${3:-1500})"
	sleep 0.3	# a person retrying is slower than this; the tracer keeps up
done
sleep 0.5
stop_tracer
echo
echo "== what whyrefused printed:"
cat "$TXT"
echo
echo "== and as JSON lines (whyrefused --json), one refusal:"
# first(): `| head -n 1` would end jq with SIGPIPE, and the demo with it (pipefail).
jq -c -n 'first(inputs | select(.event == "refusal"))' "$OUT"
echo
echo "== done; the namespaces and rules are gone again."
