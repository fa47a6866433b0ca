#!/bin/bash
# Debian's real firewalld (nftables backend) in the server namespace, on a
# D-Bus of its own (a private socket: DBUS_SYSTEM_BUS_ADDRESS) and a copy of
# /etc/firewalld (--system-config: --permanent writes there, not to the
# host's). Started once; four cases in it, each named in firewalld's words,
# with the command it shows run as printed:
#   1. the interface bound to no zone: the default zone (public) refuses 8080;
#   2. the interface bound to public: `--add-port=8080/tcp` lets the client in,
#      `--permanent` keeps it in the zone's file;
#   3. a rich rule rejects 8081 from the client: named as --list-rich-rules
#      prints it, `--remove-rich-rule` removes it;
#   4. the client's second address bound to the drop zone (`ip saddr ...
#      goto filter_IN_drop`): `--remove-source` lets it in.
# scenario-timeout: 300
. "$(dirname "$0")/lib.sh"
command -v firewalld >/dev/null && command -v dbus-daemon >/dev/null ||
	fail "firewalld is not installed (make deps)"
setup_pair
start_listener "$SRV" 0.0.0.0 8080
start_listener "$SRV" 0.0.0.0 8081

# A system bus of our own: only our firewalld owns org.fedoraproject.FirewallD1 on it.
sed -e "s|<listen>.*</listen>|<listen>unix:path=$WORK/bus.sock</listen>|" \
	-e 's|<includedir>system.d</includedir>|<includedir>/usr/share/dbus-1/system.d</includedir>|' \
	-e '/<user>/d' -e '/<pidfile>/d' /usr/share/dbus-1/system.conf >"$WORK/bus.conf"
BUS_PID=$(dbus-daemon --config-file="$WORK/bus.conf" --fork --print-pid) ||
	fail "dbus-daemon did not start"
ON_EXIT+=("kill $BUS_PID")
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$WORK/bus.sock
cp -a /etc/firewalld "$WORK/etc-firewalld"
ip netns exec "$SRV" firewalld --nofork --nopid --system-config "$WORK/etc-firewalld" \
	--log-target file --log-file "$WORK/firewalld.log" >"$WORK/firewalld.out" 2>&1 &
PIDS+=($!)
fwc() { timeout 30 firewall-cmd "$@"; }
started=$SECONDS
for ((i = 0; i < 240 && SECONDS - started < 150; i++)); do	# seconds; over a minute when loaded
	[ "$(timeout 10 firewall-cmd --state 2>/dev/null)" = running ] && break
	sleep 0.5
done
[ "$(fwc --state 2>/dev/null)" = running ] ||
	fail "firewalld did not start: $(tail -n 5 "$WORK/firewalld.log" "$WORK/firewalld.out")"
echo "# firewalld up in $((SECONDS - started)) s"
start_tracer

# refused_twice SRC DADDR PORT OUTCOME COND: the first attempt starts tracing
# the flow, the retry names the rule; prints the retry's record.
refused_twice() {
	local src=$1 daddr=$2 port=$3 outcome=$4 cond=$5 n i
	n=$(count_refusals ".dport == $port and .saddr == \"$src\"")
	assert_eq "$(connect_from_client "$daddr" "$port" 800 "$src")" "$outcome" "first attempt $src -> $port"
	for ((i = 0; i < 100; i++)); do
		[ "$(count_refusals ".dport == $port and .saddr == \"$src\"")" -gt "$n" ] && break
		sleep 0.05
	done
	text_caught_up
	assert_eq "$(connect_from_client "$daddr" "$port" 800 "$src")" "$outcome" "retry $src -> $port"
	wait_refusal ".dport == $port and .saddr == \"$src\" and .rule.status == \"found\" and ($cond)" 10 ||
		fail "the retry $src -> $port did not name firewalld's rule: $(tail -n 3 "$OUT")"
}
hints() { jq -r '.hints | join("\n")' <<<"$1"; }
# The command a hint shows after PREFIX, up to "; to keep it": run as printed.
hint_command() {
	hints "$1" | grep -F -- "$2" | head -n 1 | sed -e 's/; to keep it: .*//' -e 's/^.*: firewall-cmd /firewall-cmd /'
}
no_placeholder() {
	local l
	while IFS= read -r l; do
		case "$l" in *ZONE*|*'{zone}'*|*'{service}'*|*'{name}'*|*'{namespace}'*|*'{*}'*)
			fail "a command with a hole: $l" ;; esac
	done < <(hints "$1"; jq -r '.rule.owner_command // ""' <<<"$1")
}

# 1. Unbound interface: the default zone's final reject.
line=$(refused_twice $CLI4 $SRV4 8080 "error: No route to host" '.rule.chain == "filter_IN_public"')
assert_refusal_contract "$line"
assert_field "$line" cause firewall_reject
assert_field "$line" rule.table firewalld
assert_field "$line" rule.firewalld.zone public
assert_field "$line" rule.firewalld.zone_via default
assert_field "$line" rule.path[-1].text "goto filter_IN_public"
assert_field "$line" rule.owner "firewalld (zone public)"
assert_field "$line" rule.owner_command "firewall-cmd --list-all --zone=public"
assert_contains "$(hints "$line")" "firewalld: zone public is the default zone"
assert_contains "$(hints "$line")" "firewalld: zone public allows no 8080/tcp: firewall-cmd --zone=public --add-port=8080/tcp; to keep it: firewall-cmd --permanent --zone=public --add-port=8080/tcp"
no_placeholder "$line"
assert_text "firewalld: zone public is the default zone"
assert_text "the rule belongs to firewalld (zone public): firewall-cmd --list-all --zone=public"

# 2. The interface bound to public, as NetworkManager would.
fwc --zone=public --change-interface=wr-s >/dev/null || fail "--change-interface failed"
line=$(refused_twice $CLI4 $SRV4 8080 "error: No route to host" '.rule.firewalld.zone_via == "interface"')
assert_field "$line" rule.firewalld.interface wr-s
assert_field "$line" rule.path[-1].text 'iifname "wr-s" goto filter_IN_public'
assert_contains "$(hints "$line")" "firewalld: interface wr-s is in zone public"
no_placeholder "$line"
cmd=$(hint_command "$line" "allows no 8080/tcp")
assert_eq "$cmd" "firewall-cmd --zone=public --add-port=8080/tcp" "the runtime command"
eval "timeout 30 $cmd" >/dev/null || fail "'$cmd' failed"
assert_eq "$(connect_from_client $SRV4 8080 800 $CLI4)" connected "after '$cmd'"
keep=$(hints "$line" | grep -F "allows no 8080/tcp" | sed 's/.*; to keep it: //')
eval "timeout 30 $keep" >/dev/null || fail "'$keep' failed"
grep -q 'port="8080"' "$WORK/etc-firewalld/zones/public.xml" ||
	fail "'$keep' did not keep the port in the zone's file"
assert_text "firewalld: zone public allows no 8080/tcp: firewall-cmd --zone=public --add-port=8080/tcp"

# 3. A rich rule rejecting 8081 from the client.
rich='rule family="ipv4" source address="192.0.2.2" port port="8081" protocol="tcp" reject'
fwc --zone=public --add-rich-rule="$rich" >/dev/null || fail "--add-rich-rule failed"
line=$(refused_twice $CLI4 $SRV4 8081 refused '.rule.chain == "filter_IN_public_deny"')
assert_field "$line" rule.firewalld.zone public
assert_field "$line" rule.firewalld.rich_rule "$(fwc --zone=public --list-rich-rules)"
assert_field "$line" rule.firewalld.rich_rule "$rich"
no_placeholder "$line"
cmd=$(hint_command "$line" "firewalld: rich rule")
eval "timeout 30 $cmd" >/dev/null || fail "'$cmd' failed"
assert_eq "$(fwc --zone=public --list-rich-rules)" "" "rich rules after '$cmd'"
assert_text "firewalld: rich rule 'rule family=\"ipv4\" source address=\"192.0.2.2\" port port=\"8081\" protocol=\"tcp\" reject' in zone public: firewall-cmd --zone=public --remove-rich-rule='rule family=\"ipv4\""

# 4. The client's second address bound to the drop zone.
fwc --zone=drop --add-source=$CLI4B >/dev/null || fail "--add-source failed"
line=$(refused_twice $CLI4B $SRV4B 8080 timeout '.rule.chain == "filter_IN_drop"')
assert_field "$line" cause firewall_drop
assert_field "$line" rule.firewalld.zone drop
assert_field "$line" rule.firewalld.zone_via source
assert_field "$line" rule.firewalld.source $CLI4B
assert_field "$line" rule.path[-1].text "ip saddr $CLI4B goto filter_IN_drop"
assert_field "$line" rule.owner "firewalld (zone drop)"
no_placeholder "$line"
cmd=$(hint_command "$line" "is bound to zone drop")
assert_eq "$cmd" "firewall-cmd --zone=drop --remove-source=$CLI4B" "the source's command"
eval "timeout 30 $cmd" >/dev/null || fail "'$cmd' failed"
assert_eq "$(connect_from_client $SRV4B 8080 800 $CLI4B)" connected "after '$cmd'"
assert_text "firewalld: the client's source $CLI4B is bound to zone drop: firewall-cmd --zone=drop --remove-source=$CLI4B"
stop_tracer
validate_json "$OUT"
pass
