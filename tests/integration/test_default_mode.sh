#!/bin/bash
# The default mode attaches only what refused SYNs pass: nothing each packet
# or connection passes. Listeners come from sock_diag polls (a stopped
# service is still named, timed between two polls, and how it ended is
# exact). A firewall's answer is watched on demand: the first firewall_blocked
# refusal attaches net_dev_queue (an `attach` record says why), so the retry,
# and every other client while it lasts, is told REJECT from DROP by the
# answer seen; when the time is up it goes (a `detach` record), and a rule's
# text still decides for a blocked SYN whose rule is named.
. "$(dirname "$0")/lib.sh"
setup_pair
start_listener "$SRV" 0.0.0.0 8080
srv nft -f - <<'NFT'
table inet wrdefault {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 5432 reject with tcp reset
		tcp dport 6379 drop
	}
}
NFT
srv iptables -A INPUT -p tcp --dport 3307 -j REJECT --reject-with icmp-admin-prohibited
start_tracer

start=$(jq -c 'select(.event == "start")' "$OUT")
assert_field "$start" mode default
# Function hooks on tcp_conn_request (6.1) stay: one call per SYN, like kfree_skb.
jq -e '.hooks | (has("listeners") or (.backlog // "" | test("consume_skb"))) | not' \
	<<<"$start" >/dev/null || fail "the default mode attached a per-packet hook: $start"
replies=$(jq -r '.hooks.replies // "none"' <<<"$start")
case "$replies" in tp_btf/icmp_send | none) ;; *) fail "replies hook at start: $replies" ;; esac
assert_contains "$(jq -r .hooks.on_demand <<<"$start")" "tp_btf/net_dev_queue"
assert_contains "$(jq -r .fallback <<<"$start")" "listeners are read with sock_diag"

# Accepted connections: nothing to say.
assert_eq "$(connect_from_client $SRV4 8080)" connected "the open port"

# No listener: what listens instead comes from the poll, not from events.
assert_eq "$(connect_from_client $SRV4 8081)" refused "the wrong port"
line=$(wait_refusal '.dport == 8081') || fail "no refusal for 8081"
assert_refusal_contract "$line"
assert_field "$line" cause no_listener
assert_eq "$(jq -r '[.listeners[] | select(.port == 8080)][0].comm' <<<"$line")" tcp_listen \
	"the listener on 8080, named"

# A service started after the tracer and killed: the poll saw it run, so the
# stop names it, between two polls.
start_listener "$SRV" 0.0.0.0 8090
SERVICE_PID=$LISTENER_PID
# A refusal elsewhere polls (at most every 200 ms): its hint shows the poll saw it.
for ((p = 8091; p < 8111; p++)); do
	connect_from_client $SRV4 $p >/dev/null
	wait_refusal ".dport == $p and any(.listeners[]?; .port == 8090 and .comm == \"tcp_listen\")" \
		1 >/dev/null && break
done
[ $p -lt 8111 ] || fail "no poll saw the listener on 8090 with its owner"
kill -9 "$SERVICE_PID"
for ((i = 0; i < 100; i++)); do srv ss -ltn | grep -c ':8090 ' >/dev/null || break; sleep 0.05; done
assert_eq "$(connect_from_client $SRV4 8090)" refused "after the kill"
line=$(wait_refusal '.dport == 8090') || fail "no refusal for 8090"
assert_field "$line" last_listener.pid "$SERVICE_PID"
assert_field "$line" last_listener.comm tcp_listen
after=$(date -d "$(jq -r .last_listener.stopped_after <<<"$line")" +%s.%N)
at=$(date -d "$(jq -r .last_listener.stopped_at <<<"$line")" +%s.%N)
# Two polls apart: a second or less, and far less than a slow VM could stretch it.
awk -v a="$after" -v b="$at" 'BEGIN { exit !(a < b && b - a < 5) }' ||
	fail "stopped between $after and $at: not one poll apart"
# How it ended is exact even here: process ends are watched in every mode.
assert_contains "$(jq -r '.hints[0]' <<<"$line")" \
	"tcp_listen (pid $SERVICE_PID) on 0.0.0.0:8090 was killed by SIGKILL from bash (pid $$, uid 0) at "
assert_field "$line" last_listener.ended.how signal

# With kprobes (Debian's kernels), the REJECT hooks see the answer where it
# is sent: the first SYN is told, nothing more is attached.
if jq -e '.hooks.rejects // "" | contains("nf_send_reset,") and (contains("(when") | not)' \
	<<<"$start" >/dev/null; then
	assert_eq "$(connect_from_client $SRV4 5432)" refused "first attempt on 5432"
	line=$(wait_refusal '.dport == 5432') || fail "no refusal for 5432"
	assert_refusal_contract "$line"
	assert_field "$line" cause firewall_reject
	assert_field "$line" reply tcp-reset
	assert_field "$line" rule.verdict "reject with tcp reset"
	assert_eq "$(connect_from_client $SRV4 5432)" refused "second attempt on 5432"
	wait_refusal '.dport == 5432 and .rule.status == "found"' >/dev/null ||
		fail "the retry did not name the rule"
	assert_eq "$(connect_from_client $SRV4B 6379 300 $CLI4B)" timeout "first attempt on 6379"
	line=$(wait_refusal ".dport == 6379") || fail "no refusal for 6379"
	assert_field "$line" cause firewall_drop
	assert_eq "$(connect_from_client $SRV4 3307)" "error: No route to host" "client on 3307"
	line=$(wait_refusal '.dport == 3307') || fail "no refusal for 3307"
	assert_field "$line" reply "icmp admin-prohibited"
	stop_tracer
	assert_eq "$(jq -c 'select(.event == "attach" and (.what | test("net_dev_queue")))' "$OUT")" "" \
		"net_dev_queue attached"
	pass "REJECT hooks (kprobes)"
	exit 0
fi

# REJECT with tcp reset: its answer not watched yet, so firewall_blocked...
assert_eq "$(connect_from_client $SRV4 5432)" refused "first attempt on 5432"
line=$(wait_refusal '.dport == 5432') || fail "no refusal for 5432"
assert_refusal_contract "$line"
assert_field "$line" cause firewall_blocked
assert_field "$line" reply unknown
assert_field "$line" rule.verdict "reject or drop"
assert_field "$line" client_sees "Connection refused or a timeout"
assert_text "BLOCKED"
# ...which attached net_dev_queue, and said why.
attach=$(wait_json "$OUT" '.event == "attach" and .hooks.replies == "tp_btf/net_dev_queue"' 5) ||
	fail "no attach record for net_dev_queue"
assert_contains "$(jq -r .what <<<"$attach")" \
	"net:net_dev_queue attached for 120 s: a firewall blocked $CLI4:"
assert_contains "$(jq -r .what <<<"$attach")" "-> $SRV4:5432 in netns $(srv_netns_inode)"
# The retry is told by its answer, and names the rule.
assert_eq "$(connect_from_client $SRV4 5432)" refused "second attempt on 5432"
line=$(wait_refusal '.dport == 5432 and .rule.status == "found"') ||
	fail "the retry did not name the rule"
assert_field "$line" cause firewall_reject
assert_field "$line" reply tcp-reset
assert_field "$line" client_sees "Connection refused"
assert_field "$line" rule.verdict "reject with tcp reset"
assert_eq "$(jq -r '.explanation | test("its verdict")' <<<"$line")" false "told by the answer"

# Another client, another port, while it lasts: a DROP is a DROP at once.
assert_eq "$(connect_from_client $SRV4B 6379 300 $CLI4B)" timeout "first attempt on 6379"
line=$(wait_refusal ".dport == 6379 and .saddr == \"$CLI4B\"") || fail "no refusal for 6379"
assert_field "$line" cause firewall_drop
assert_field "$line" reply none
assert_field "$line" client_sees "Connection timed out"

# An ICMP REJECT: told at once (icmp:icmp_send on 6.10+, or net_dev_queue by now).
assert_eq "$(connect_from_client $SRV4 3307)" "error: No route to host" "client on 3307"
line=$(wait_refusal '.dport == 3307') || fail "no refusal for 3307"
assert_field "$line" cause firewall_reject
assert_field "$line" reply "icmp admin-prohibited"
assert_field "$line" client_sees "No route to host"
stop_tracer
stats=$(jq -c 'select(.event == "stats" and .final)' "$OUT")
assert_field "$stats" on_demand_replies_attached 1

# Its time up, net_dev_queue goes; a blocked SYN whose rule is named is then
# told by the rule's text, and says so.
start_tracer --on-demand-for 1s
assert_field "$(jq -c 'select(.event == "start")' "$OUT")" mode default
assert_eq "$(connect_from_client $SRV4 5432)" refused "5432, a new tracer"
wait_refusal '.dport == 5432' >/dev/null || fail "no refusal for 5432"
line=$(wait_json "$OUT" '.event == "detach"' 10) || fail "no detach record"
assert_contains "$(jq -r .what <<<"$line")" \
	"net:net_dev_queue detached: no firewall_blocked refusal for 1 s"
assert_eq "$(jq -r '.hooks | has("replies") and .replies == "tp_btf/net_dev_queue"' <<<"$line")" \
	false "replies after the detach"
assert_eq "$(connect_from_client $SRV4 5432)" refused "5432 once net_dev_queue is gone"
line=$(wait_refusal '.dport == 5432 and .rule.status == "found"') ||
	fail "the retry did not name the rule"
assert_field "$line" cause firewall_reject
assert_field "$line" reply tcp-reset	# as the rule says
assert_field "$line" rule.verdict "reject with tcp reset"
assert_contains "$(jq -r .explanation <<<"$line")" "(its verdict: its answer was not watched)"
stop_tracer
pass
