#!/bin/bash
# The systemd unit in tools/systemd is valid, and the capabilities it grants
# are enough for everything the tracer does after it drops its own: with
# exactly the unit's bounding set (and its default options) it still names
# the listener on another port, an iptables-legacy rule (iptables-legacy-save
# needs CAP_NET_RAW) and an nft rule (a tracing table: CAP_NET_ADMIN).
. "$(dirname "$0")/lib.sh"
UNIT=$ROOT/tools/systemd/whyrefused.service
if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/local/sbin/whyrefused|$WR|" "$UNIT" >"$WORK/whyrefused.service"
	out=$(systemd-analyze verify "$WORK/whyrefused.service" 2>&1) ||
		fail "systemd-analyze verify: $out"
fi
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT")
[ -n "$caps" ] || fail "the unit sets no CapabilityBoundingSet"
spec=-all
for c in $caps; do spec+=",+$(tr 'A-Z' 'a-z' <<<"${c#CAP_}")"; done
opts=$(sed -n 's/^Environment=WHYREFUSED_OPTS=//p' "$UNIT")

setup_pair
start_listener "$SRV" 0.0.0.0 2222
srv iptables-legacy -A INPUT -p tcp --dport 3306 -j REJECT
srv_input_table wru "tcp dport 8080 drop"
# shellcheck disable=SC2086 # the unit's options, split as systemd splits them
setpriv --bounding-set="$spec" --inh-caps=-all "$WR" "${BACKEND_OPT[@]}" --json --netns "$SRV" $opts \
	>"$OUT" 2>"$ERR" &
TRACER_PID=$!
wait_json "$OUT" '.event == "start"' 15 >/dev/null ||
	fail "tracer did not start with the unit's capabilities ($spec): $(cat "$ERR")"
# Attached, it dropped what it no longer needs, from the bounding set too.
caps=$((16#$(awk '$1 == "CapBnd:" { print $2 }' /proc/$TRACER_PID/status)))
(( caps >> 39 & 1 )) && fail "CAP_BPF still in the bounding set"

assert_eq "$(connect_from_client $SRV4 22)" refused "connect to 22"
line=$(wait_refusal '.dport == 22') || fail "no refusal on 22"
jq -e '.listeners[] | select(.port == 2222 and .comm == "tcp_listen" and .pid > 0)' \
	<<<"$line" >/dev/null || fail "the listener on 2222 is not named: $line"
# First attempts; the retries come once the tracer has seen them (and
# started tracing the nft flow), as a client's retry would.
assert_eq "$(connect_from_client $SRV4 3306)" refused "connect to 3306"
assert_eq "$(connect_from_client $SRV4 8080 300)" timeout "connect to 8080"
wait_refusal '.dport == 3306' >/dev/null || fail "no refusal on 3306"
wait_refusal '.dport == 8080 and .rule.status == "pending retry"' >/dev/null ||
	fail "the nft flow is not traced: $(cat "$OUT")"
assert_eq "$(connect_from_client $SRV4 3306)" refused "retry 3306"
assert_eq "$(connect_from_client $SRV4 8080 300)" timeout "retry 8080"
line=$(wait_refusal '.dport == 3306 and .rule.status == "found"') ||
	fail "iptables-legacy rule not named: $(cat "$OUT")"
assert_field "$line" rule.number 1
line=$(wait_refusal '.dport == 8080 and .rule.status == "found"') ||
	fail "nft rule not named: $(cat "$OUT")"
assert_field "$line" rule.table wru
[ -s "$ERR" ] && fail "the tracer complained: $(cat "$ERR")"
stop_tracer
pass
