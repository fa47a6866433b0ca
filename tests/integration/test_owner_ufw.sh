#!/bin/bash
# Debian's ufw in the server namespace, on a private copy of its
# configuration (--rootdir/--datadir: the host's /etc/ufw is not touched):
# default deny incoming, `ufw deny 5432/tcp`. The retry names ufw's rule as
# `iptables -S` shows it, in chain ufw-user-input, owned by ufw with its
# command; a port no rule allows ends at the INPUT chain's DROP policy,
# which ufw set (its default) and is named as ufw's with `ufw status verbose`.
. "$(dirname "$0")/lib.sh"
if ! command -v ufw >/dev/null; then
	fail "ufw is not installed (make deps)"
fi
setup_pair
UFW=$WORK/ufw
mkdir -p "$UFW/etc/default" "$UFW/lib"
cp -a /etc/ufw "$UFW/etc/"
cp /etc/default/ufw "$UFW/etc/default/"
cp -a /usr/lib/ufw "$UFW/lib/"
ufw_srv() { srv ufw --rootdir="$UFW" --datadir="$UFW" "$@" >>"$WORK/ufw.log" 2>&1; }
ufw_srv default deny incoming || fail "ufw default deny failed: $(cat "$WORK/ufw.log")"
ufw_srv deny 5432/tcp || fail "ufw deny failed: $(cat "$WORK/ufw.log")"
ufw_srv --force enable || fail "ufw enable failed: $(cat "$WORK/ufw.log")"
start_tracer

assert_eq "$(connect_from_client $SRV4 5432 800)" timeout "first attempt to 5432"
wait_refusal '.dport == 5432' >/dev/null || fail "no refusal for 5432"
assert_eq "$(connect_from_client $SRV4 5432 800)" timeout "retry to 5432"
line=$(wait_refusal '.dport == 5432 and .rule.status == "found"') || fail "the retry did not name ufw's rule"
assert_field "$line" cause firewall_drop
assert_field "$line" rule.chain ufw-user-input
assert_field "$line" rule.syntax iptables
assert_field "$line" rule.text "-A ufw-user-input -p tcp -m tcp --dport 5432 -j DROP"
assert_field "$line" rule.owner ufw
assert_field "$line" rule.owner_command "ufw status numbered"
assert_text "the rule belongs to ufw: ufw status numbered"

assert_eq "$(connect_from_client $SRV4 2222 800)" timeout "first attempt to 2222"
wait_refusal '.dport == 2222' >/dev/null || fail "no refusal for 2222"
assert_eq "$(connect_from_client $SRV4 2222 800)" timeout "retry to 2222"
line=$(wait_refusal '.dport == 2222 and .rule.status == "found"') || fail "the retry did not name the policy"
assert_field "$line" rule.chain INPUT
assert_field "$line" rule.policy true
assert_field "$line" rule.text "-P INPUT DROP"
# ufw set that policy (`ufw default deny incoming`): INPUT jumps to its chains.
assert_field "$line" rule.owner "ufw (its default policy)"
assert_field "$line" rule.owner_command "ufw status verbose"
stop_tracer
pass
