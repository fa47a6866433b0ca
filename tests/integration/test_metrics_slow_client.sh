#!/bin/bash
# A metrics client can never stall the tracer: while one client sends its
# request a byte every 50 ms for 5 s and another asks for a large answer and
# never reads it, refusals are still printed within a second of their
# connect and curl still scrapes. Both clients are dropped at the endpoint's
# deadline (2 s from accept for the whole exchange), counted as timeouts.
. "$(dirname "$0")/lib.sh"
# Userspace alone, the same code as on the host: not in the VMs (tools/vm/matrix.sh).
[ -n "${WR_VM:-}" ] && { pass "not in a VM (userspace only)"; exit 0; }
setup_pair
for ((i = 0; i < 20; i++)); do
	port=$((20000 + RANDOM % 20000))
	[ -z "$(ss -Htln "sport = :$port")" ] && break
done
"$WR" "${BACKEND_OPT[@]}" --json --netns "$SRV" --no-trace --metrics 127.0.0.1:$port \
	>"$OUT" 2>"$ERR" &
TRACER_PID=$!
wait_json "$OUT" '.event == "start"' 15 >/dev/null || fail "tracer did not start: $(cat "$ERR")"
URL=http://127.0.0.1:$port/metrics
now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }

# Hundreds of series make an answer (~50 KB) larger than what a client with
# a small receive buffer and a tiny MSS lets the server's socket buffer take.
burst=$(cli "$HELPERS/tcp_refuse_burst" $SRV4 30000-30399 400)
assert_eq "$burst" 400 "refused connects of the scan"
for ((i = 0; i < 100; i++)); do
	[ "$(count_refusals '.dport >= 30000 and .dport < 30400')" -ge 400 ] && break
	sleep 0.05
done
curl -sf --max-time 2 "$URL" >"$WORK/before.prom" || fail "GET /metrics failed before the clients"
size=$(wc -c <"$WORK/before.prom")
[ "$size" -gt 40000 ] || fail "the answer is only $size bytes, too small to fill the buffers"

# (a) The head of a request, one byte every 50 ms for 5 s, never complete.
python3 - "$port" 5 >"$WORK/slow.out" 2>&1 <<'PY' &
import socket, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
head = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
s = socket.create_connection(("127.0.0.1", port), timeout=3)
start = time.monotonic()
sent = 0
try:
	while time.monotonic() - start < secs:
		s.send(head[sent:sent + 1] if sent < len(head) else b"a")
		sent += 1
		time.sleep(0.05)
	s.send(b"\r\n\r\n")
	print("answered" if s.recv(65536) else "closed", "%.1f" % (time.monotonic() - start))
except OSError:
	print("dropped", "%.1f" % (time.monotonic() - start))
PY
PIDS+=($!)
slow_pid=$!

# (b) A whole request, then never a read for 4 s; then what arrived.
python3 - "$port" 4 >"$WORK/mute.out" 2>&1 <<'PY' &
import re, socket, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 88)
s.settimeout(3)
s.connect(("127.0.0.1", port))
s.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
time.sleep(secs)
got, how = b"", "eof"
try:
	while True:
		d = s.recv(65536)
		if not d:
			break
		got += d
except ConnectionResetError:
	how = "reset"
except OSError as e:
	how = "error %s" % e
m = re.search(rb"Content-Length: (\d+)\r\n\r\n", got)
whole = m and len(got) - m.end() == int(m.group(1))
print(how, "complete" if whole else "incomplete", len(got))
PY
PIDS+=($!)
mute_pid=$!
sleep 0.3

# Refusals spaced over the clients' seconds, each timed from its connect to
# its line in the output; and a scrape in the middle.
late=()
for p in 9101 9102 9103 9104 9105 9106 9107 9108 9109; do
	sleep 0.4
	t0=$(now_ms)
	assert_eq "$(connect_from_client $SRV4 $p)" refused "connect to $p"
	until grep -q "\"dport\":$p[,}]" "$OUT"; do
		(( $(now_ms) - t0 > 8000 )) && break
		sleep 0.02
	done
	ms=$(($(now_ms) - t0))
	echo "refusal on $p printed after $ms ms"
	[ "$ms" -lt 1000 ] || late+=("$p: ${ms} ms")
	if [ $p = 9102 ]; then	# both clients connected
		t0=$(now_ms)
		curl -sf --max-time 2 "$URL" >"$WORK/during.prom" || true
		echo "scrape during the slow clients: $(($(now_ms) - t0)) ms"
	fi
done
[ ${#late[@]} -eq 0 ] || fail "refusals printed late: ${late[*]}"
grep -q '^whyrefused_refusals_total{cause="no_listener",port="9102"} 1$' "$WORK/during.prom" ||
	fail "no scrape while the slow clients were connected (or it lacks the refusal before it)"

wait $slow_pid || true
wait $mute_pid || true
slow=$(cat "$WORK/slow.out") mute=$(cat "$WORK/mute.out")
echo "slow client: $slow; client that never reads: $mute"
read -r how secs <<<"$slow"
assert_eq "$how" dropped "the slow client's fate"
[ "${secs%.*}" -lt 3 ] || fail "the slow client was dropped only after $secs s"
case "$mute" in
reset*incomplete* | eof*incomplete*) ;;
*) fail "the client that never read was not dropped: $mute" ;;
esac

metrics=$(curl -sf --max-time 2 "$URL") || fail "GET /metrics failed after the slow clients"
timeouts=$(sed -n 's/^whyrefused_metrics_requests_total{result="timeout"} //p' <<<"$metrics")
[ "${timeouts:-0}" -ge 2 ] || fail "timeouts counted: '${timeouts}', expected 2"
grep -q '^whyrefused_refusals_total{cause="no_listener",port="9109"} 1$' <<<"$metrics" ||
	fail "the last scrape lacks the last refusal"
stop_tracer
pass "$(jq -s '[.[] | select(.event == "refusal")] | length' "$OUT") refusals, none late"
