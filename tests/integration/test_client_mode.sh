#!/bin/bash
# whyrefused --client HOST:PORT, run on the client: a client namespace, a
# router namespace that forwards, a server namespace. Each way a connection
# fails (RST, a REJECT on the router, a REJECT on the server, a drop on the
# router, a drop at the server) and one that succeeds, over IPv4 and IPv6, by
# literal address and by name, as root and as nobody (no BPF, no root needed),
# in text and JSON; the server side's tracer names the same cause and reply.
#
#   client 192.0.2.2  2001:db8:1::2 -- router 192.0.2.1  2001:db8:1::1
#                                      router 203.0.113.1 2001:db8:2::1 -- server 203.0.113.10 2001:db8:2::10
. "$(dirname "$0")/lib.sh"

RTR=wrt-r-$$
EXTRA_NETNS+=("$RTR")
rtr() { ip netns exec "$RTR" "$@"; }
S4=203.0.113.10 S6=2001:db8:2::10 R4=192.0.2.1 R6=2001:db8:1::1
HOSTS_DIR=/etc/netns/$CLI	# `ip netns exec` reads the client's /etc/hosts from here
ON_EXIT+=("rm -rf '$HOSTS_DIR'")
RECORDS=$WORK/client.json

ip netns add "$SRV"
ip netns add "$CLI"
ip netns add "$RTR"
ip link add wr-c netns "$CLI" type veth peer name wr-rc netns "$RTR"
ip link add wr-s netns "$SRV" type veth peer name wr-rs netns "$RTR"
cli ip addr add 192.0.2.2/24 dev wr-c
cli ip addr add 2001:db8:1::2/64 dev wr-c nodad
rtr ip addr add $R4/24 dev wr-rc
rtr ip addr add $R6/64 dev wr-rc nodad
rtr ip addr add 203.0.113.1/24 dev wr-rs
rtr ip addr add 2001:db8:2::1/64 dev wr-rs nodad
srv ip addr add $S4/24 dev wr-s
srv ip addr add $S6/64 dev wr-s nodad
for ns in "$CLI" "$RTR" "$SRV"; do ip -n "$ns" link set lo up; done
cli ip link set wr-c up
rtr ip link set wr-rc up
rtr ip link set wr-rs up
srv ip link set wr-s up
cli ip route add default via $R4
cli ip -6 route add default via $R6
srv ip route add default via 203.0.113.1
srv ip -6 route add default via 2001:db8:2::1
rtr sysctl -qw net.ipv4.ip_forward=1
rtr sysctl -qw net.ipv6.conf.all.forwarding=1
rtr nft -f - <<'NFT'
table inet wrt_router {
	chain forward {
		type filter hook forward priority 0; policy accept;
		tcp dport 23 reject with icmpx admin-prohibited
		tcp dport 25 drop
	}
}
NFT
srv nft -f - <<'NFT'
table inet wrt_server {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 24 reject
		tcp dport 26 drop
	}
}
NFT
mkdir -p "$HOSTS_DIR"
printf '%s server.test\n%s server.test\n' $S4 $S6 >"$HOSTS_DIR/hosts"
start_listener "$SRV" :: 2222	# both families
start_tracer

# run_client WHO FORMAT TARGET [OPTIONS]: WHO root or nobody, FORMAT json or
# text; the output in $CL, the exit status in $CL_RC. JSON records are kept
# for the schema check at the end.
run_client() {
	local who=$1 format=$2 target=$3 as=() fmt=()
	shift 3
	[ "$who" = nobody ] && as=(setpriv --reuid 65534 --regid 65534 --clear-groups)
	[ "$format" = json ] && fmt=(--json)
	CL_RC=0
	CL=$(cli "${as[@]}" "$WR" --client "$target" --timeout 1s "${fmt[@]}" "$@" 2>"$WORK/client.err") ||
		CL_RC=$?
	[ "$format" = json ] && [ -n "$CL" ] && echo "$CL" >>"$RECORDS"
	return 0
}

# check TARGET EXIT CAUSE SIDE HOP REPLY TEXT: as nobody in text, as nobody
# and as root in JSON (the same facts: no privilege is needed for any of
# them); the root record is left in $CL. CHECK_AS="root" skips nobody's JSON
# (the silent cases, seconds each).
check() {
	local target=$1 rc=$2 cause=$3 side=$4 hop=$5 reply=$6 text=$7 who
	run_client nobody text "$target"
	assert_eq "$CL_RC" "$rc" "exit status of --client $target in text"
	assert_contains "$CL" "$text"
	for who in ${CHECK_AS:-nobody root}; do
		run_client $who json "$target"
		assert_eq "$CL_RC" "$rc" "exit status of --client $target as $who"
		[ "$(wc -l <<<"$CL")" = 1 ] || fail "not one record for $target: $CL"
		jq -e --arg c "$cause" --arg s "$side" --arg h "$hop" --arg r "$reply" --arg t "$text" \
			'.event == "client" and .cause == $c and .side == $s and
			 (.hop // "null") == $h and .reply == $r and (.explanation | contains($t))' \
			<<<"$CL" >/dev/null ||
			fail "--client $target as $who: expected $cause, $side, $hop, $reply, '$text': $CL"
	done
}

# Nothing listens on the server's port 22: its RST, from HOST itself.
check $S4:22 1 no_listener server $S4 tcp-reset \
	"refused by HOST itself (RST from $S4): run whyrefused there"
assert_field "$CL" client_sees "Connection refused"
line=$(wait_refusal '.dport == 22 and .family == "ipv4"') || fail "the tracer saw no refusal on 22"
assert_field "$line" cause no_listener
assert_field "$line" saddr 192.0.2.2

# A REJECT on the router: ICMP admin-prohibited from the router, HOST never saw the SYN.
check $S4:23 1 firewall_reject router $R4 "icmp admin-prohibited" \
	"icmp admin-prohibited from $R4, a router before HOST"
assert_field "$CL" client_sees "No route to host"
assert_field "$CL" icmp.type 3
assert_field "$CL" icmp.code 13
assert_field "$CL" icmp.from $R4
[ "$(count_refusals '.dport == 23')" = 0 ] || fail "the server saw a SYN the router rejected"

# ... and over IPv6: ICMPv6 admin-prohibited, which connect() reports as Permission denied.
check "[$S6]:23" 1 firewall_reject router $R6 "icmpv6 admin-prohibited" \
	"icmpv6 admin-prohibited from $R6, a router before HOST"
assert_field "$CL" client_sees "Permission denied"
assert_field "$CL" family ipv6

# A REJECT on the server: ICMP from HOST itself; the tracer there says the same.
check $S4:24 1 firewall_reject server $S4 "icmp port-unreachable" \
	"icmp port-unreachable from HOST itself ($S4): a REJECT rule on HOST: run whyrefused there"
line=$(told_refusal '.dport == 24 and .family == "ipv4"' firewall_reject icmp $S4 24)
assert_field "$line" reply "$(jq -r .reply <<<"$CL")"
assert_field "$line" client_sees "$(jq -r .client_sees <<<"$CL")"

# A silent drop on the router: the last hop that answered a short-TTL SYN is the router.
CHECK_AS=root check $S4:25 1 no_answer path $R4 none "no answer at all: a drop on the way or at HOST"
assert_contains "$(jq -r .explanation <<<"$CL")" "SYNs get as far as $R4 (hop 1"
assert_field "$CL" trace.last_ttl 1
assert_field "$CL" trace.last_hop $R4
assert_field "$CL" trace.reached_host false
assert_field "$CL" client_sees "Connection timed out"
probes=$(jq -r .trace.probes <<<"$CL")
[ "$probes" -ge 2 ] && [ "$probes" -le 16 ] || fail "TTL probes not bounded: $probes"
# The time stays bounded: 1 s for the connect, then half of it per silent hop (3 in a row).
[ "$(jq -r .elapsed_ms <<<"$CL")" -le 1500 ] || fail "the connect outlived --timeout: $CL"

# ... over IPv6: ICMPv6 time-exceeded from the router.
run_client root json "[$S6]:25"
jq -e --arg r "$R6" '.cause == "no_answer" and .family == "ipv6" and .hop == $r and
	.trace.last_hop == $r and .trace.last_ttl == 1' <<<"$CL" >/dev/null ||
	fail "IPv6 drop on the router: expected the router $R6 as the last hop: $CL"

# A drop at the server: SYNs pass the router and go unanswered; the tracer names the drop.
CHECK_AS=root check $S4:26 1 no_answer path $R4 none "no answer at all: a drop on the way or at HOST"
line=$(wait_refusal '.dport == 26' 10) || fail "the tracer saw no drop on 26"
assert_field "$line" reply none
stop_tracer	# what follows is the client's alone (and under ASan the tracer's --duration 120 ends)
run_client root json $S4:26 --max-hops 0
assert_field "$CL" hop null
assert_field "$CL" trace null

# A listener: connected, closed cleanly, exit 0; over IPv6 too.
check $S4:2222 0 connected none null syn-ack "connected in"
check "[$S6]:2222" 0 connected none null syn-ack "connected in"

# A name with two addresses: as ssh, each in turn until one answers.
run_client nobody json server.test:22
assert_eq "$CL_RC" 1 "exit status for server.test:22"
assert_field "$CL" addresses 2
assert_field "$CL" tried 2
assert_field "$CL" cause no_listener
run_client root text server.test:2222
assert_eq "$CL_RC" 0 "exit status for server.test:2222"
assert_contains "$CL" "CONNECTED"

# Bad input: one line, exit 2; a name that does not resolve: exit 3, bounded.
rc=0
out=$("$WR" --client 203.0.113.10 2>&1) || rc=$?
assert_eq "$rc" 2 "exit status for a target without a port"
assert_eq "$(wc -l <<<"$out")" 1 "lines for a bad target"
assert_contains "$out" "invalid --client '203.0.113.10' (expected HOST:PORT"
rc=0
"$WR" --client "[2001:db8::1]:70000" >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 2 "exit status for port 70000"
started=$SECONDS
run_client root json nosuch.invalid:22
assert_eq "$CL_RC" 3 "exit status for a name that does not resolve"
assert_field "$CL" event error
[ $((SECONDS - started)) -le 3 ] || fail "the lookup was not bounded by --timeout"

validate_json "$RECORDS"
# ... and the schema does hold the record to its fields.
head -n 1 "$RECORDS" | jq -c '.cause = "refused"' >"$WORK/bad.json"
[ -n "${WR_VM:-}" ] || ! python3 "$ROOT/tools/schema/validate.py" "$WORK/bad.json" >/dev/null 2>&1 ||
	fail "the schema took a client record with an unknown cause"
pass "RST, router/server REJECT, router/server drop, connect; v4, v6, a name; root and nobody"
