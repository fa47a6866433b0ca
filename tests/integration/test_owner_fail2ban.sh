#!/bin/bash
# A ban by Debian's real fail2ban (banaction iptables-multiport: chain
# f2b-sshd, REJECT --reject-with icmp-port-unreachable, via iptables-nft):
# the retry names the rule as `iptables -S` shows it and its owner, with the
# owner's own command to lift the ban; running that command lets the client
# in. fail2ban runs in the server namespace on a copy of /etc/fail2ban with
# its own socket, pid file, log and an in-memory database.
. "$(dirname "$0")/lib.sh"
if ! command -v fail2ban-server >/dev/null; then
	# The VM has no Python: which rule and whose is userspace, kernel-independent.
	[ -n "${WR_VM:-}" ] && { pass "skipped in the VM (fail2ban needs Python)"; exit 0; }
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
cat >"$F2B/jail.local" <<CONF
[DEFAULT]
backend = polling
[sshd]
enabled = true
port = 22
logpath = $WORK/auth.log
CONF
ip netns exec "$SRV" fail2ban-server -c "$F2B" -f -x >"$WORK/f2b.out" 2>&1 &
PIDS+=($!)
f2b() { srv fail2ban-client -c "$F2B" "$@"; }
for ((i = 0; i < 100; i++)); do
	f2b ping >/dev/null 2>&1 && break
	sleep 0.1
done
f2b ping >/dev/null 2>&1 || fail "fail2ban did not start: $(cat "$WORK/f2b.out" "$WORK/f2b.log" 2>/dev/null)"
f2b set sshd banip $CLI4 >/dev/null || fail "fail2ban could not ban $CLI4"
srv iptables -S f2b-sshd | grep -c -- "-s $CLI4/32 -j REJECT" >/dev/null ||
	fail "no ban rule in f2b-sshd: $(srv iptables -S)"
start_tracer

assert_eq "$(connect_from_client $SRV4 22)" refused "first attempt"
wait_refusal '.dport == 22' >/dev/null || fail "no refusal"
assert_eq "$(connect_from_client $SRV4 22)" refused "retry"
line=$(wait_refusal '.dport == 22 and .rule.status == "found"') || fail "the retry did not name the rule"
assert_refusal_contract "$line"
assert_field "$line" cause firewall_reject
assert_field "$line" rule.chain f2b-sshd
assert_field "$line" rule.syntax iptables
assert_field "$line" rule.text "-A f2b-sshd -s $CLI4/32 -j REJECT --reject-with icmp-port-unreachable"
assert_field "$line" rule.verdict "reject with icmp port-unreachable"
assert_field "$line" rule.owner "fail2ban (jail sshd)"
cmd=$(jq -r .rule.owner_command <<<"$line")
assert_contains "$cmd" "fail2ban-client set sshd unbanip $CLI4"
assert_contains "$(jq -r '.hints | join(" | ")' <<<"$line")" "the rule belongs to fail2ban (jail sshd)"
assert_text "the rule belongs to fail2ban (jail sshd): fail2ban-client status sshd; to lift the ban: fail2ban-client set sshd unbanip $CLI4"

# The owner's command, as printed, lifts the ban.
unban=${cmd##*to lift the ban: }
f2b ${unban#fail2ban-client } >/dev/null || fail "'$unban' failed"
assert_eq "$(connect_from_client $SRV4 22)" connected "after '$unban'"
f2b stop >/dev/null 2>&1 || true
stop_tracer
pass
