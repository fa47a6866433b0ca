#!/bin/bash
# Left attached as a service: Prometheus metrics on a local address and in a
# node_exporter textfile, counting exactly what the JSON lines reported, by
# cause and port; and once attached the tracer keeps only the capabilities
# it still uses (no CAP_BPF, CAP_PERFMON, CAP_SYS_MODULE...), in every set.
. "$(dirname "$0")/lib.sh"
setup_pair
srv_input_table wrm "tcp dport 8080 drop"
port=$((20000 + RANDOM % 20000))
PROM=$WORK/whyrefused.prom
"$WR" "${BACKEND_OPT[@]}" --json --netns "$SRV" --no-trace --metrics 127.0.0.1:$port --metrics-file "$PROM" \
	--stats-interval 200ms >"$OUT" 2>"$ERR" &
TRACER_PID=$!
wait_json "$OUT" '.event == "start"' 15 >/dev/null || fail "tracer did not start: $(cat "$ERR")"

# Capabilities: bit 12 CAP_NET_ADMIN, 21 CAP_SYS_ADMIN kept; 16 CAP_SYS_MODULE,
# 38 CAP_PERFMON, 39 CAP_BPF gone, from the effective, permitted and bounding sets.
for set in CapEff CapPrm CapBnd; do
	caps=$((16#$(awk -v s="$set:" '$1 == s { print $2 }' /proc/$TRACER_PID/status)))
	for bit in 12 21; do
		(( caps >> bit & 1 )) || fail "$set lacks capability $bit"
	done
	for bit in 16 38 39; do
		(( caps >> bit & 1 )) && fail "$set still has capability $bit"
	done
done

for p in 9001 9001 9001 9002; do
	assert_eq "$(connect_from_client $SRV4 $p)" refused "connect to $p"
done
assert_eq "$(connect_from_client $SRV4 8080 300)" timeout "connect to the dropped port"
for ((i = 0; i < 100; i++)); do
	[ "$(count_refusals)" -ge 5 ] && break
	sleep 0.05
done
assert_eq "$(count_refusals)" 5 "refusals reported"

metrics=$(curl -sf "http://127.0.0.1:$port/metrics") || fail "GET /metrics failed"
# What the JSON said, by cause and port, is what the metrics say.
while read -r cause dport n; do
	grep -qx "whyrefused_refusals_total{cause=\"$cause\",port=\"$dport\"} $n" <<<"$metrics" ||
		fail "metrics lack $cause/$dport = $n: $(grep refusals_total <<<"$metrics")"
done < <(jq -r 'select(.event == "refusal") | "\(.cause) \(.dport)"' "$OUT" | sort | uniq -c |
	 awk '{ print $2, $3, $1 }')
grep -qx 'whyrefused_refusals_total{cause="no_listener",port="9001"} 3' <<<"$metrics" ||
	fail "three refusals on 9001 expected: $metrics"
cause=firewall_drop	# firewall_blocked where the default mode did not watch its answer
assert_answer "$(wait_refusal '.dport == 8080')" firewall_drop none || cause=firewall_blocked
grep -qx "whyrefused_refusals_total{cause=\"$cause\",port=\"8080\"} 1" <<<"$metrics" ||
	fail "one $cause on 8080 expected"
grep -qx 'whyrefused_events_lost_total{reason="ringbuf_full"} 0' <<<"$metrics" ||
	fail "no ringbuf_full series"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/elsewhere")
assert_eq "$code" 404 "status for another path"

stop_tracer
compgen -G "$PROM.tmp*" >/dev/null && fail "the textfile's temporary copy was left behind: $(ls "$PROM".tmp*)"
seen=$(jq 'select(.event == "stats" and .final) | .seen' "$OUT")
grep -qx "whyrefused_syns_seen_total $seen" "$PROM" ||
	fail "textfile seen != final stats seen ($seen): $(grep seen "$PROM")"
grep -qx 'whyrefused_refusals_total{cause="no_listener",port="9002"} 1' "$PROM" ||
	fail "textfile lacks the refusal on 9002"
pass
