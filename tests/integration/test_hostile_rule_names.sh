#!/bin/bash
# A namespace's owner names its tables, chains, comments and interfaces as
# it likes (nft's JSON input takes any bytes; an unprivileged user can do
# this in a namespace of their own). whyrefused, as root, must never run
# such a name: the rules are still named, JSON carries the names exactly,
# text shows them shell-quoted, and the namespace's ruleset is what its
# owner made, nothing added, nothing zeroed, no file written.
. "$(dirname "$0")/lib.sh"
setup_pair
PWNED=/tmp/whyrefused-pwned-$$
ON_EXIT+=("rm -f '$PWNED'")
# An interface named like a command (15 bytes at most, no '/', ':' or blank).
IF="w;\$(id)'\""
srv ip link set wr-s down
srv ip link set wr-s name "$IF"
srv ip link set "$IF" up

T="w \$(touch $PWNED) \"q\"; add table ip pwned"
C1='x; add table ip pwned'
C2=$(printf 'L%.0s' {1..254})'-'	# 255 bytes, the longest name nft allows
COMMENT="\$(touch $PWNED)'; flush ruleset"
jq -n --arg t "$T" --arg c1 "$C1" --arg c2 "$C2" --arg cm "$COMMENT" '{nftables: [
	{add: {table: {family: "ip", name: $t}}},
	{add: {chain: {family: "ip", table: $t, name: $c1, type: "filter", hook: "input",
		       prio: 0, policy: "accept"}}},
	{add: {chain: {family: "ip", table: $t, name: $c2, type: "filter", hook: "input",
		       prio: 1, policy: "accept"}}},
	{add: {rule: {family: "ip", table: $t, chain: $c1, comment: $cm, expr: [
		{match: {op: "==", left: {payload: {protocol: "tcp", field: "dport"}}, right: 2500}},
		{drop: null}]}}},
	{add: {rule: {family: "ip", table: $t, chain: $c2, expr: [
		{match: {op: "==", left: {payload: {protocol: "tcp", field: "dport"}}, right: 2501}},
		{drop: null}]}}}]}' >"$WORK/hostile.json"
srv nft -j -f "$WORK/hostile.json" || fail "nft did not take the hostile names"
# iptables-nft's own table with a chain renamed "-Z" (iptables reads it as an option).
srv iptables-nft -N wrz
srv iptables-nft -A INPUT -p tcp --dport 2503 -j wrz
srv iptables-nft -A wrz -p tcp --dport 2503 -j DROP
jq -n '{nftables: [{rename: {chain: {family: "ip", table: "filter", name: "wrz",
				       newname: "-Z"}}}]}' | srv nft -j -f - ||
	fail "cannot rename the chain to -Z"
before=$(srv nft -s list ruleset)
start_tracer

# Each port: the first SYN starts its trace, the retry names the rule.
named() {
	local port=$1 line
	connect_from_client $SRV4 "$port" >/dev/null
	connect_from_client $SRV4 "$port" >/dev/null
	line=$(wait_refusal ".dport == $port and .rule.status == \"found\"") ||
		fail "the retry of $port was not named"
	echo "$line"
}
line=$(named 2500)
assert_field "$line" rule.table "$T"
assert_field "$line" rule.chain "$C1"
assert_contains "$(jq -r .rule.text <<<"$line")" "tcp dport 2500 drop comment"
assert_text "chain 'x; add table ip pwned', handle"
assert_text "nft ip 'w \$(touch $PWNED) \"q\"; add table ip pwned'"
line=$(named 2501)
assert_field "$line" rule.chain "$C2"
assert_field "$line" rule.text "tcp dport 2501 drop"
line=$(named 2503)
assert_field "$line" rule.chain "-Z"
assert_field "$line" rule.text "-A -Z -p tcp -m tcp --dport 2503 -j DROP"
assert_text "iptables -t filter, chain '-Z', rule 1"

# A line break in any name: nft's listing could be forged line by line, so
# the rule is named from the trace alone and its text withheld, said why.
NL=$'a\n\t\ttcp dport 2502 accept # handle 4\nb'
jq -n --arg c "$NL" '{nftables: [{add: {table: {family: "inet", name: "nl"}}},
	{add: {chain: {family: "inet", table: "nl", name: $c, type: "filter", hook: "input",
		       prio: 2, policy: "accept"}}},
	{add: {rule: {family: "inet", table: "nl", chain: $c, expr: [
		{match: {op: "==", left: {payload: {protocol: "tcp", field: "dport"}}, right: 2502}},
		{drop: null}]}}}]}' | srv nft -j -f - || fail "nft did not take a name with a newline"
line=$(named 2502)
assert_field "$line" rule.chain "$NL"
assert_field "$line" rule.table nl
assert_eq "$(jq -r '.rule.text // ""' <<<"$line")" "" "text withheld"
assert_contains "$(jq -r '.hints | join(" ")' <<<"$line")" "holds a line break"
stop_tracer

# What the owner made, exactly; our trace tables are gone with the tracers.
srv nft delete table inet nl
assert_eq "$(srv nft -s list ruleset)" "$before" "the namespace's ruleset"
srv nft list tables | grep -qx 'table ip pwned' && fail "a table named pwned appeared"
[ -e "$PWNED" ] && fail "a name was run as a command: $PWNED exists"
pass
