#!/bin/bash
# A real Prometheus (Debian's) scrapes the tracer's --metrics endpoint every
# second, with the shipped rules loaded; what its HTTP API answers is what
# the JSON lines reported: refusals by cause and port, the stats counters,
# a firewall drop of a port that has a listener; the recording rules have
# values, and once the tracer stops, WhyrefusedDown is pending. Nothing in
# between: Prometheus's own scraper, storage, rule engine and query API.
. "$(dirname "$0")/lib.sh"
command -v prometheus >/dev/null || fail "prometheus is missing (make deps installs it)"
setup_pair
srv_input_table wrp "tcp dport 8443 drop"
start_listener "$SRV" 0.0.0.0 8443	# up, yet unreachable
mport=$((20000 + RANDOM % 10000)) pport=$((30000 + RANDOM % 10000))
"$WR" "${BACKEND_OPT[@]}" --json --netns "$SRV" --metrics 127.0.0.1:$mport >"$OUT" 2>"$ERR" &
TRACER_PID=$!
wait_json "$OUT" '.event == "start"' 15 >/dev/null || fail "tracer did not start: $(cat "$ERR")"

# Loopback only, storage in the scenario's directory, gone with it.
cat >"$WORK/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $ROOT/tools/prometheus/whyrefused.rules.yml
scrape_configs:
  - job_name: whyrefused
    static_configs:
      - targets: ["127.0.0.1:$mport"]
YML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
	--web.listen-address=127.0.0.1:$pport --log.level=warn >"$WORK/prometheus.log" 2>&1 &
PIDS+=($!)
disown $!
API=http://127.0.0.1:$pport/api/v1

# query EXPR: the result vector as "labels value" lines, labels jq-compact.
query() {
	curl -sf --max-time 2 --get --data-urlencode "query=$1" "$API/query" |
		jq -r '.data.result[] | "\(.metric | del(.__name__, .job, .instance) | tojson) \(.value[1])"'
}
# wait_query EXPR EXPECTED [SECS]: until query EXPR prints EXPECTED (bounded).
wait_query() {
	local got="" i
	for ((i = 0; i < ${3:-10} * 5; i++)); do
		got=$(query "$1" 2>/dev/null || true)
		[ "$got" = "$2" ] && return 0
		sleep 0.2
	done
	fail "Prometheus answered '$got' to $1, expected '$2' ($(tail -n 3 "$WORK/prometheus.log"))"
}

# wait_true EXPR WHAT: until EXPR (a comparison) has a result (bounded, 10 s).
wait_true() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -n "$(query "$1" 2>/dev/null || true)" ] && return 0
		sleep 0.2
	done
	fail "$2: $(query "${1%% *}")"
}

wait_query 'up{job="whyrefused"}' '{} 1' 15
# One refusal first, seen by a scrape: then the rate of the next two is a rate.
assert_eq "$(connect_from_client $SRV4 9001)" refused "connect to 9001"
wait_query 'whyrefused_refusals_total{port="9001"}' '{"cause":"no_listener","port":"9001"} 1'
for p in 9001 9001 9002; do
	assert_eq "$(connect_from_client $SRV4 $p)" refused "connect to $p"
done
assert_eq "$(connect_from_client $SRV4 8443 300)" timeout "connect to the dropped port"
wait_json "$OUT" '.event == "refusal" and .dport == 8443' 5 >/dev/null || fail "no refusal on 8443"
wait_query 'whyrefused_refusals_total{port="9001"}' '{"cause":"no_listener","port":"9001"} 3'

# Every (cause, port) the JSON reported, with its count, and nothing else.
want=$(jq -r 'select(.event == "refusal") | "\(.cause) \(.dport)"' "$OUT" | sort | uniq -c |
	awk '{ printf "{\"cause\":\"%s\",\"port\":\"%s\"} %s\n", $2, $3, $1 }' | sort)
wait_query 'whyrefused_refusals_total' "$want" 5
drop=$(jq -r 'select(.event == "refusal" and .dport == 8443) | .cause' "$OUT")
wait_query 'whyrefused_firewall_blocked_listening_total' "{\"cause\":\"$drop\",\"port\":\"8443\"} 1" 5
# The stats counters, as the tracer counted them.
wait_query 'whyrefused_events_lost_total' '{"reason":"ringbuf_full"} 0'
wait_query 'whyrefused_decode_errors_total' '{} 0'
wait_true 'whyrefused_syns_seen_total >= 5' "syns_seen below 5"
wait_true 'whyrefused_records_written_total >= 6' "records_written below 6 (start and 5 refusals)"
wait_true 'whyrefused_metrics_requests_total{result="scrape"} >= 3' "Prometheus's scrapes were not counted"
# The recording rules, evaluated by Prometheus itself.
wait_true 'instance_cause_port:whyrefused_refusals:rate5m{cause="no_listener",port="9001"} > 0' \
	"no rate for 9001"
rules=$(curl -sf --max-time 2 "$API/rules" | jq -r '[.data.groups[].rules[] | .health] | unique | join(",")')
assert_eq "$rules" ok "health of the loaded rules"

# The tracer stops: scrapes fail, up is 0, the alert is pending (for: 2m).
stop_tracer
wait_query 'up{job="whyrefused"}' '{} 0'
wait_query 'ALERTS{alertname="WhyrefusedDown"}' '{"alertname":"WhyrefusedDown","alertstate":"pending","severity":"warning"} 1'
pass
