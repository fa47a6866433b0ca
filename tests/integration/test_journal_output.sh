#!/bin/bash
# --journal with a real systemd-journald (Debian's), run here as an ordinary
# process in a mount namespace of its own: its sockets on a private tmpfs
# over /run/systemd/journal, its files in this scenario's directory bound
# over /run/log; the host's journal, if any, is never touched. The tracer
# runs in that namespace (with --json, as the unit starts it) and sends
# with sd_journal_sendv; journalctl reads
# the files back: each refusal a JSON tracer reported is there with its
# fields, `journalctl -t whyrefused WHYREFUSED_CAUSE=...` filters, PRIORITY
# follows the cause, the rule's text (with '%' and '=') comes whole, and
# the final stats record carries its counters as fields.
. "$(dirname "$0")/lib.sh"
journal_dirs
setup_pair
srv_input_table wrj 'tcp dport 8080 drop comment "x=%s%n"'
WR_TEXT=0 start_tracer --netns "$SRV"	# the JSON twin, to compare with

in_private_journal "$WORK/log" \
	"$WR" "${BACKEND_OPT[@]}" --json --journal --duration 120 --netns "$SRV" 2>"$WORK/journal.err" &
JTRACER=$!
ON_EXIT+=("kill -9 $JTRACER" 'kill -9 $(cat "$WORK/log/journald.pid")')

# jr ARGS...: journalctl on the scenario's journal, one JSON object a line.
jr() { journalctl -D "$WORK/log/journal" --no-pager -o json "$@" 2>/dev/null || true; }
# wait_journal N ARGS...: until at least N entries match (bounded, 10 s).
wait_journal() {
	local n=$1 i
	shift
	for ((i = 0; i < 100; i++)); do
		[ "$(jr "$@" | wc -l)" -ge "$n" ] && return 0
		sleep 0.1
	done
	fail "fewer than $n journal entries for $*: $(jr -t whyrefused | jq -c '{MESSAGE, WHYREFUSED_EVENT}' | tail -n 5) $(cat "$WORK/journal.err")"
}
wait_journal 1 -t whyrefused WHYREFUSED_EVENT=start
grep -q "records go to stdout" "$WORK/journal.err" && fail "the journal tracer fell back: $(cat "$WORK/journal.err")"
# --json too, as the unit's ExecStart has it: the journal's fields win, said once.
assert_eq "$(grep -c 'json set aside' "$WORK/journal.err")" 1 "notes about --json"

for p in 9001 9001 9002; do
	assert_eq "$(connect_from_client $SRV4 $p)" refused "connect to $p"
done
assert_eq "$(connect_from_client $SRV4 8080 300)" timeout "connect to the dropped port"
line=$(told_refusal '.dport == 8080' firewall_drop none $SRV4 8080 300)
wait_journal 4 -t whyrefused WHYREFUSED_EVENT=refusal
wait_journal 2 -t whyrefused WHYREFUSED_CAUSE=no_listener WHYREFUSED_PORT=9001

# Every refusal of the JSON tracer, with the same facts, filtered by journalctl itself.
while read -r cause sport dport saddr daddr; do
	[ "$cause" = firewall_blocked ] && continue	# the twin may have watched its answer
	wait_journal 1 -t whyrefused WHYREFUSED_CAUSE=$cause WHYREFUSED_CLIENT_PORT=$sport
	e=$(jr -t whyrefused WHYREFUSED_CAUSE=$cause WHYREFUSED_CLIENT_PORT=$sport | head -n 1)
	assert_field "$e" WHYREFUSED_PORT "$dport"
	assert_field "$e" WHYREFUSED_CLIENT "$saddr"
	assert_field "$e" WHYREFUSED_SERVER "$daddr"
	assert_field "$e" WHYREFUSED_NETNS "$(srv_netns_inode)"
	assert_field "$e" SYSLOG_IDENTIFIER whyrefused
	assert_field "$e" _TRANSPORT journal
	[ "$(jq -r '.CODE_FILE // ""' <<<"$e")" = "" ] || fail "our source file name in the journal: $e"
	case $cause in
	no_listener)
		assert_field "$e" PRIORITY 4
		assert_contains "$(jq -r .MESSAGE <<<"$e")" "REFUSED  $saddr:$sport -> $daddr:$dport  "
		jq -e '.WHYREFUSED_HINT' <<<"$e" >/dev/null || fail "no hint field: $e" ;;
	firewall_drop)
		assert_field "$e" PRIORITY 5
		assert_field "$e" WHYREFUSED_REPLY none
		assert_contains "$(jq -r .MESSAGE <<<"$e")" "DROPPED  $saddr:$sport -> $daddr:$dport  " ;;
	esac
done < <(jq -r 'select(.event == "refusal") | "\(.cause) \(.sport) \(.dport) \(.saddr) \(.daddr)"' "$OUT")

# The retry's rule, named by the journal tracer too: its text whole, '%' and '=' included.
sport=$(jq -r .sport <<<"$line")
for ((i = 0; i < 50; i++)); do
	e=$(jr -t whyrefused WHYREFUSED_CLIENT_PORT=$sport WHYREFUSED_RULE_STATUS=found | head -n 1)
	[ -n "$e" ] && break
	sleep 0.1
done
[ -n "$e" ] || fail "the journal tracer did not name the rule of the retry ($sport): $(jr -t whyrefused WHYREFUSED_CLIENT_PORT=$sport)"
assert_field "$e" WHYREFUSED_RULE_TABLE wrj
assert_field "$e" WHYREFUSED_RULE_CHAIN input
assert_field "$e" WHYREFUSED_RULE "$(jq -r .rule.text <<<"$line")"
assert_contains "$(jq -r .WHYREFUSED_RULE <<<"$e")" 'comment "x=%s%n"'
# The filter docs/journald.md and docs/service.md show.
[ "$(journalctl -D "$WORK/log/journal" --no-pager -o cat -t whyrefused WHYREFUSED_CAUSE=firewall_drop |
	grep -c '^DROPPED ')" -ge 1 ] || fail "journalctl -t whyrefused WHYREFUSED_CAUSE=firewall_drop printed no DROPPED line"

# Stopped like systemd stops it: the final stats, counters as fields.
kill -INT $JTRACER
for ((i = 0; i < 100; i++)); do kill -0 $JTRACER 2>/dev/null || break; sleep 0.05; done
wait $JTRACER || fail "the journal tracer exited $? on SIGINT: $(cat "$WORK/journal.err")"
wait_journal 1 -t whyrefused WHYREFUSED_EVENT=stats WHYREFUSED_FINAL=1
e=$(jr -t whyrefused WHYREFUSED_EVENT=stats WHYREFUSED_FINAL=1 | tail -n 1)
assert_field "$e" PRIORITY 6
n=$(jr -t whyrefused WHYREFUSED_EVENT=refusal | wc -l)
# Every record before this one: start, refusals, attach (an on-demand hook).
assert_field "$e" WHYREFUSED_WRITTEN "$(jr -t whyrefused | jq -s 'map(select(.WHYREFUSED_EVENT != "stats")) | length')"
assert_field "$e" WHYREFUSED_WRITE_ERRORS 0
[ "$(jq -r .WHYREFUSED_SEEN <<<"$e")" -ge "$n" ] || fail "seen below the refusals sent: $e"
stop_tracer
pass
