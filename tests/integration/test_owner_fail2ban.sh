#!/bin/bash
# A ban by Debian's real fail2ban, with its default banaction
# (iptables-multiport: chain f2b-sshd, REJECT --reject-with
# icmp-port-unreachable, through iptables-nft) and with nftables-multiport
# (table inet f2b-table, set addr-set-sshd): the retry names the rule as its
# author wrote it, its owner and the jail, the set holding the client, and
# the owner's own command to lift the ban; running that command lets the
# client in. fail2ban runs in the server namespace on a copy of
# /etc/fail2ban with its own socket, pid file, log and an in-memory database.
. "$(dirname "$0")/lib.sh"
if ! command -v fail2ban-server >/dev/null; then
	fail "fail2ban is not installed (make deps)"
fi
setup_pair
start_listener "$SRV" 0.0.0.0 22
F2B=$WORK/fail2ban
cp -a /etc/fail2ban "$F2B"
rm -f "$F2B"/jail.d/*
cat >"$F2B/fail2ban.local" <<CONF
[Definition]
socket = $WORK/f2b.sock
pidfile = $WORK/f2b.pid
logtarget = $WORK/f2b.log
dbfile = :memory:
CONF
touch "$WORK/auth.log"
f2b() { srv fail2ban-client -c "$F2B" "$@"; }
start_tracer

# ban_and_check BANACTION CHAIN TEXT [SET]: ban the client, name the rule, lift the ban.
ban_and_check() {
	local banaction=$1 chain=$2 text=$3 set=${4:-} line cmd unban i n
	printf '[DEFAULT]\nbackend = polling\nbanaction = %s\n[sshd]\nenabled = true\nport = 22\nlogpath = %s\n' \
		"$banaction" "$WORK/auth.log" >"$F2B/jail.local"
	ip netns exec "$SRV" fail2ban-server -c "$F2B" -f -x >"$WORK/f2b.out" 2>&1 &
	PIDS+=($!)
	for ((i = 0; i < 100; i++)); do
		f2b ping >/dev/null 2>&1 && break
		sleep 0.1
	done
	f2b ping >/dev/null 2>&1 || fail "fail2ban did not start: $(cat "$WORK/f2b.out" "$WORK/f2b.log")"
	f2b set sshd banip $CLI4 >/dev/null || fail "fail2ban ($banaction) could not ban $CLI4"

	n=$(count_refusals '.dport == 22')
	assert_eq "$(connect_from_client $SRV4 22)" refused "first attempt ($banaction)"
	for ((i = 0; i < 100; i++)); do	# its refusal starts tracing the flow
		[ "$(count_refusals '.dport == 22')" -gt "$n" ] && break
		sleep 0.05
	done
	text_caught_up
	assert_eq "$(connect_from_client $SRV4 22)" refused "retry ($banaction)"
	line=$(wait_refusal ".dport == 22 and .rule.status == \"found\" and .rule.chain == \"$chain\"") ||
		fail "the retry did not name $banaction's rule: $(tail -n 2 "$OUT")"
	assert_refusal_contract "$line"
	assert_field "$line" cause firewall_reject
	assert_field "$line" rule.verdict "reject with icmp port-unreachable"
	assert_contains "$(jq -r .rule.text <<<"$line")" "$text"
	assert_field "$line" rule.owner "fail2ban (jail sshd)"
	cmd=$(jq -r .rule.owner_command <<<"$line")
	assert_contains "$cmd" "fail2ban-client set sshd unbanip $CLI4"
	assert_contains "$(jq -r '.hints | join(" | ")' <<<"$line")" "the rule belongs to fail2ban (jail sshd)"
	[ -z "$set" ] || assert_contains "$(jq -r '.hints | join(" | ")' <<<"$line")" \
		"the client $CLI4 is in set $set: nft list set inet f2b-table $set"
	assert_text "the rule belongs to fail2ban (jail sshd): fail2ban-client status sshd; to lift the ban: fail2ban-client set sshd unbanip $CLI4"

	# The owner's command, as printed, lifts the ban.
	unban=${cmd##*to lift the ban: }
	f2b ${unban#fail2ban-client } >/dev/null || fail "'$unban' failed"
	assert_eq "$(connect_from_client $SRV4 22)" connected "after '$unban' ($banaction)"
	f2b stop >/dev/null 2>&1 || true
}
ban_and_check iptables-multiport f2b-sshd "-A f2b-sshd -s $CLI4/32 -j REJECT --reject-with icmp-port-unreachable"
ban_and_check nftables-multiport f2b-chain "ip saddr @addr-set-sshd reject" addr-set-sshd
stop_tracer
pass
