#!/bin/bash
# BPF on the server interface's ingress drops TCP to port 7022, first as a
# tc filter on clsact (`tc filter add ... bpf da`, held by the filter
# itself), then as a tcx program held by its loader's link. The kernel
# drops the SYNs with TC_INGRESS: whyrefused names the device, the
# namespace's command to list it, the program, its id and holder. Port
# 9000 is accepted, untouched.
. "$(dirname "$0")/lib.sh"
HOLD=$HELPERS/bpf_hold OBJ=$HELPERS/blockers.bpf.o
[ -x "$HOLD" ] || fail "bpf_hold missing (make BUILD=... $HELPERS/bpf_hold)"
setup_pair
start_listener "$SRV" 0.0.0.0 7022
start_listener "$SRV" 0.0.0.0 9000
srv tc qdisc add dev wr-s clsact
srv tc filter add dev wr-s ingress bpf da obj "$OBJ" sec tc || fail "tc filter add failed"
TC_ID=$(srv tc filter show dev wr-s ingress | sed -n 's/.* id \([0-9]*\) name drop_7022 .*/\1/p')
[ -n "$TC_ID" ] || fail "no program id in: $(srv tc filter show dev wr-s ingress)"
start_tracer

assert_eq "$(connect_from_client $SRV4 7022 1500)" timeout "client on 7022 (tc)"
line=$(wait_refusal '.dport == 7022 and .blocker.looked_up' 8) || fail "no refusal for 7022"
assert_refusal_contract "$line"
assert_field "$line" cause other_drop
assert_field "$line" reason TC_INGRESS
assert_field "$line" blocker.kind tc
assert_field "$line" blocker.device wr-s
assert_field "$line" blocker.program drop_7022
assert_field "$line" blocker.id "$TC_ID"
assert_field "$line" blocker.attach "tc ingress pref 49152 da"
assert_field "$line" blocker.holder null
cmd="ip netns exec $SRV tc filter show dev wr-s ingress; ip netns exec $SRV bpftool net show dev wr-s"
assert_field "$line" blocker.command "$cmd"
# The command runs as it is shown, and lists the program.
assert_contains "$(eval "$cmd" 2>&1)" "id $TC_ID name drop_7022"
want="a BPF program on the ingress of wr-s dropped the SYN: drop_7022 (id $TC_ID, tc ingress pref 49152 da, kept by the tc filter itself, no process holds it)"
assert_contains "$(jq -r .explanation <<<"$line")" "$want"
assert_text "-> $SRV4:7022  $want"
assert_eq "$(connect_from_client $SRV4 9000)" connected "client on 9000"

# The same program as tcx, held by its loader's link; the tc filter gone.
srv tc filter del dev wr-s ingress
fifo=$WORK/hold.fifo
mkfifo "$fifo"
ip netns exec "$SRV" "$HOLD" "$OBJ" drop_7022 tcx wr-s >"$fifo" 2>"$WORK/hold.err" &
HOLD_PID=$!
PIDS+=($!)
disown $!
read -r -t 10 hold <"$fifo" || true
[ "${hold%% *}" = attached ] || fail "bpf_hold tcx: $(cat "$WORK/hold.err")"
TCX_ID=${hold#attached }
sleep 2.1	# the tracer's listing of this interface is kept 2 s
assert_eq "$(connect_from_client $SRV4 7022 1500)" timeout "client on 7022 (tcx)"
line=$(wait_refusal ".dport == 7022 and .blocker.id == $TCX_ID" 8) || fail "no tcx refusal for 7022"
assert_field "$line" blocker.attach "tcx ingress"
assert_field "$line" blocker.holder.pid "$HOLD_PID"
assert_field "$line" blocker.holder.comm bpf_hold
want="a BPF program on the ingress of wr-s dropped the SYN: drop_7022 (id $TCX_ID, tcx ingress, held by pid $HOLD_PID (bpf_hold))"
assert_contains "$(jq -r .explanation <<<"$line")" "$want"
assert_text "$want"
assert_eq "$(connect_from_client $SRV4 9000)" connected "client on 9000"
sleep 0.5
assert_eq "$(count_refusals '.dport == 9000')" 0 "refusals of 9000"
stop_tracer
pass
