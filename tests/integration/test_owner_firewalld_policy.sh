#!/bin/bash
# Debian's real firewalld (nftables backend) in the server namespace, which
# routes between the client (wr-s, zone public) and a backend (wr-b, zone
# internal, 203.0.113.5 listening on :80 and :81), on a D-Bus of its own and
# a copy of /etc/firewalld, as test_owner_firewalld.sh runs it. firewalld
# 1.x policies decide what is forwarded between zones:
#   1. policy wrtpol (public -> internal, target REJECT) refuses :80: named
#      as `policy wrtpol`, with --info-policy and `--policy=wrtpol
#      --add-port=80/tcp`, which, run as printed, lets the client through;
#   2. a rich rule of that policy drops :81 from the client: named as
#      --list-rich-rules prints it, `--remove-rich-rule` removes it;
#   3. the backend dialling the client (internal -> public, no policy): the
#      internal zone's forwarding chain rejects it, named as the zone.
# scenario-timeout: 300
. "$(dirname "$0")/lib.sh"
command -v firewalld >/dev/null && command -v dbus-daemon >/dev/null ||
	fail "firewalld is not installed (make deps)"
setup_pair
setup_backend
cli ip route add 203.0.113.0/24 via $SRV4
start_listener "$OTHER" 0.0.0.0 80
start_listener "$OTHER" 0.0.0.0 81

sed -e "s|<listen>.*</listen>|<listen>unix:path=$WORK/bus.sock</listen>|" \
	-e 's|<includedir>system.d</includedir>|<includedir>/usr/share/dbus-1/system.d</includedir>|' \
	-e '/<user>/d' -e '/<pidfile>/d' /usr/share/dbus-1/system.conf >"$WORK/bus.conf"
BUS_PID=$(dbus-daemon --config-file="$WORK/bus.conf" --fork --print-pid) ||
	fail "dbus-daemon did not start"
ON_EXIT+=("kill $BUS_PID")
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$WORK/bus.sock
cp -a /etc/firewalld "$WORK/etc-firewalld"
# The policy in firewalld's own file, read at start: a --reload takes longer
# than firewall-cmd waits on a loaded machine.
mkdir -p "$WORK/etc-firewalld/policies"
cat >"$WORK/etc-firewalld/policies/wrtpol.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<policy target="REJECT">
  <short>whyrefused test</short>
  <ingress-zone name="public"/>
  <egress-zone name="internal"/>
</policy>
XML
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
fwc --zone=public --change-interface=wr-s >/dev/null || fail "--change-interface wr-s failed"
fwc --zone=internal --change-interface=wr-b >/dev/null || fail "--change-interface wr-b failed"
start_tracer

# refused_twice PORT OUTCOME COND: the first attempt starts tracing the
# flow, the retry names the rule; prints the retry's record.
refused_twice() {
	local port=$1 outcome=$2 cond=$3 n i
	n=$(count_refusals ".dport == $port and .daddr == \"$BACK4\"")
	assert_eq "$(connect_from_client $BACK4 "$port" 800)" "$outcome" "first attempt to $BACK4:$port"
	for ((i = 0; i < 100; i++)); do
		[ "$(count_refusals ".dport == $port and .daddr == \"$BACK4\"")" -gt "$n" ] && break
		sleep 0.05
	done
	text_caught_up
	assert_eq "$(connect_from_client $BACK4 "$port" 800)" "$outcome" "retry to $BACK4:$port"
	wait_refusal ".dport == $port and .daddr == \"$BACK4\" and .rule.status == \"found\" and ($cond)" 10 ||
		fail "the retry to $port did not name firewalld's rule: $(tail -n 3 "$OUT")"
}
hints() { jq -r '.hints | join("\n")' <<<"$1"; }
# The command a hint shows after PREFIX, up to "; to keep it": run as printed.
hint_command() {
	hints "$1" | grep -F -- "$2" | head -n 1 | sed -e 's/; to keep it: .*//' -e 's/^.*: firewall-cmd /firewall-cmd /'
}
no_placeholder() {
	local l
	while IFS= read -r l; do
		case "$l" in *ZONE*|*POLICY*|*'{zone}'*|*'{policy}'*|*'{*}'*)
			fail "a command with a hole: $l" ;; esac
	done < <(hints "$1"; jq -r '.rule.owner_command // ""' <<<"$1")
}

# 1. The policy's target rejects :80, forwarded from public to internal.
line=$(refused_twice 80 "error: No route to host" '.rule.chain == "filter_FWD_policy_wrtpol"')
assert_refusal_contract "$line"
assert_field "$line" cause firewall_reject
assert_field "$line" rule.table firewalld
assert_field "$line" rule.text "reject with icmpx admin-prohibited"
assert_field "$line" rule.firewalld.policy wrtpol
assert_field "$line" rule.path[-1].text 'iifname "wr-s" oifname "wr-b" jump filter_FWD_policy_wrtpol'
assert_field "$line" rule.owner "firewalld (policy wrtpol)"
assert_field "$line" rule.owner_command "firewall-cmd --info-policy=wrtpol"
assert_contains "$(hints "$line")" "firewalld: policy wrtpol (traffic forwarded) blocked it: firewall-cmd --info-policy=wrtpol"
no_placeholder "$line"
fwc --info-policy=wrtpol >/dev/null || fail "firewall-cmd --info-policy=wrtpol failed"
cmd=$(hint_command "$line" "allows no 80/tcp")
assert_eq "$cmd" "firewall-cmd --policy=wrtpol --add-port=80/tcp" "the runtime command"
eval "timeout 30 $cmd" >/dev/null || fail "'$cmd' failed"
assert_eq "$(connect_from_client $BACK4 80 800)" connected "after '$cmd'"
assert_text "firewalld: policy wrtpol allows no 80/tcp: firewall-cmd --policy=wrtpol --add-port=80/tcp; to keep it: firewall-cmd --permanent --policy=wrtpol --add-port=80/tcp"
assert_text "the rule belongs to firewalld (policy wrtpol): firewall-cmd --info-policy=wrtpol"

# 2. A rich rule of the policy drops :81 from the client.
rich='rule family="ipv4" source address="192.0.2.2" port port="81" protocol="tcp" drop'
fwc --policy=wrtpol --add-rich-rule="$rich" >/dev/null || fail "--add-rich-rule failed"
line=$(refused_twice 81 timeout '.rule.chain == "filter_FWD_policy_wrtpol_deny"')
assert_field "$line" cause firewall_drop
assert_field "$line" rule.firewalld.policy wrtpol
assert_field "$line" rule.firewalld.rich_rule "$(fwc --policy=wrtpol --list-rich-rules)"
assert_field "$line" rule.firewalld.rich_rule "$rich"
no_placeholder "$line"
cmd=$(hint_command "$line" "firewalld: rich rule")
eval "timeout 30 $cmd" >/dev/null || fail "'$cmd' failed"
assert_eq "$(fwc --policy=wrtpol --list-rich-rules)" "" "rich rules after '$cmd'"
# The policy's target is what is left: rejected, not dropped.
assert_eq "$(connect_from_client $BACK4 81 800)" "error: No route to host" "81 after '$cmd'"
assert_text "firewalld: rich rule 'rule family=\"ipv4\" source address=\"192.0.2.2\" port port=\"81\" protocol=\"tcp\" drop' in policy wrtpol: firewall-cmd --policy=wrtpol --remove-rich-rule="

# 3. The other way, internal -> public: no policy, the zone's forwarding
# refuses it (its interfaces only). The backend is the client here.
start_listener "$CLI" 0.0.0.0 9090
from_back() { other "$HELPERS/tcp_connect" $CLI4 9090 800 || true; }
cond='.saddr == "'$BACK4'" and .dport == 9090'
assert_eq "$(from_back)" "error: No route to host" "first attempt $BACK4 -> $CLI4:9090"
wait_refusal "$cond" 10 >/dev/null || fail "no refusal for $BACK4 -> $CLI4:9090"
text_caught_up
assert_eq "$(from_back)" "error: No route to host" "retry $BACK4 -> $CLI4:9090"
line=$(wait_refusal "$cond and .rule.status == \"found\"" 10) ||
	fail "the retry $BACK4 -> 9090 did not name firewalld's rule: $(tail -n 3 "$OUT")"
assert_field "$line" rule.chain filter_FWD_internal
assert_field "$line" rule.firewalld.zone internal
assert_field "$line" rule.firewalld.zone_via interface
assert_field "$line" rule.firewalld.interface wr-b
assert_field "$line" rule.owner "firewalld (zone internal)"
assert_field "$line" rule.owner_command "firewall-cmd --list-all --zone=internal"
[ "$(jq -r '.rule.firewalld.policy // ""' <<<"$line")" = "" ] || fail "a zone told as a policy: $line"
assert_contains "$(hints "$line")" "firewalld: zone internal forwards only among its own interfaces and no policy lets this through to where it goes: firewall-cmd --info-zone=internal; firewall-cmd --get-policies"
no_placeholder "$line"
fwc --info-zone=internal >/dev/null || fail "firewall-cmd --info-zone=internal failed"
stop_tracer
validate_json "$OUT"
pass
