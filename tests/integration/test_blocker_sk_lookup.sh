#!/bin/bash
# An sk_lookup program in the server's namespace refuses port 22 while a
# real sshd listens on 0.0.0.0:22 and 0.0.0.0:2222 (the program loaded as a
# daemon loads one: libbpf, a netns link held by its process). The kernel
# answers RST as if nothing listened: whyrefused names sshd and the program
# that refused the lookup, its id and holder, and never says "nothing
# listens" or "wrong port". Ports 2222 and 9000 are accepted, untouched.
# Then a SO_REUSEPORT group's program that picks no socket, the same way.
. "$(dirname "$0")/lib.sh"
HOLD=$HELPERS/bpf_hold
[ -x "$HOLD" ] || fail "bpf_hold missing (make BUILD=... $HELPERS/bpf_hold)"
[ -x /usr/sbin/sshd ] || fail "sshd missing (make deps installs openssh-server)"
setup_pair
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey"
ip netns exec "$SRV" /usr/sbin/sshd -D -e -f /dev/null -h "$WORK/hostkey" -p 22 -p 2222 \
	-o ListenAddress=0.0.0.0 -o PidFile=none 2>"$WORK/sshd.log" &
L22=$!
PIDS+=($L22)
disown $L22
for ((i = 0; i < 100; i++)); do [ "$(srv ss -ltnH | grep -cE ':(22|2222) ')" = 2 ] && break; sleep 0.05; done
start_listener "$SRV" 0.0.0.0 9000

# hold_bpf NAME PROG HOW TARGET: bpf_hold in the server namespace, running
# (its pid in HOLD_PID, the program's id in PROG_ID) when this returns.
hold_bpf() {
	local fifo=$WORK/hold.$1 line
	mkfifo "$fifo"
	ip netns exec "$SRV" "$HOLD" "$HELPERS/blockers.bpf.o" "$2" "$3" "$4" >"$fifo" 2>"$WORK/hold.err" &
	HOLD_PID=$!
	PIDS+=($!)
	disown $!
	read -r -t 10 line <"$fifo" || true
	[ "${line%% *}" = attached ] || fail "bpf_hold $2: $(cat "$WORK/hold.err")"
	PROG_ID=${line#attached }
}
hold_bpf lookup refuse_ssh sk_lookup "/run/netns/$SRV"
start_tracer

ssh_out=$(cli ssh -p 22 -o BatchMode=yes -o ConnectTimeout=3 -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null admin@$SRV4 true 2>&1 || true)
assert_contains "$ssh_out" "Connection refused"
line=$(wait_refusal '.dport == 22') || fail "no refusal event"
assert_refusal_contract "$line"
assert_field "$line" reason NO_SOCKET
assert_field "$line" blocker.kind sk_lookup
assert_field "$line" blocker.looked_up true
assert_field "$line" blocker.program refuse_ssh
assert_field "$line" blocker.id "$PROG_ID"
assert_field "$line" blocker.holder.pid "$HOLD_PID"
assert_field "$line" blocker.holder.comm bpf_hold
assert_contains "$(jq -r .blocker.attach <<<"$line")" "sk_lookup link "
assert_contains "$(jq -r .blocker.command <<<"$line")" "bpftool prog show id $PROG_ID"
expl=$(jq -r .explanation <<<"$line")
want="sshd (pid $L22) listens on 0.0.0.0:22, but an sk_lookup program (refuse_ssh, id $PROG_ID, held by pid $HOLD_PID (bpf_hold)) attached to this network namespace refused the lookup"
assert_contains "$expl" "$want"
for lie in "no socket listens" "nothing listens" "wrong port" "stopped"; do
	case "$line" in *"$lie"*) fail "said '$lie': $line" ;; esac
done
assert_eq "$(jq -c '[.listeners[] | {port, relation, pid}]' <<<"$line")" \
	"[{\"port\":22,\"relation\":\"target\",\"pid\":$L22}]" "listeners"
assert_text "-> $SRV4:22  $want"
if grep -F -- "-> $SRV4:22 " "$TXT" | grep -qE "wrong port|no socket listens"; then
	fail "the text output said wrong port or no socket: $(cat "$TXT")"
fi

# Accepted connections are untouched and say nothing.
assert_eq "$(connect_from_client $SRV4 9000)" connected "client on port 9000"
assert_eq "$(connect_from_client $SRV4 2222)" connected "client on port 2222"
sleep 0.5
assert_eq "$(count_refusals '.dport != 22')" 0 "refusals of accepted ports"

# Without the program, the same port is accepted: the listener was there all along.
kill "$HOLD_PID"
for ((i = 0; i < 50; i++)); do
	[ "$(connect_from_client $SRV4 22)" = connected ] && break
	sleep 0.1
done
assert_eq "$(connect_from_client $SRV4 22)" connected "port 22 once the program is gone"

# A SO_REUSEPORT group whose program picks no socket: the same RST; the
# listener and the program named (its holder is the listening process).
hold_bpf reuse reuse_none reuseport 2022
sleep 1.2	# the default mode's next poll sees the listener
assert_eq "$(connect_from_client $SRV4 2022)" refused "client on port 2022"
line=$(wait_refusal '.dport == 2022') || fail "no refusal for 2022"
assert_field "$line" blocker.kind reuseport
assert_field "$line" blocker.program reuse_none
assert_field "$line" blocker.id "$PROG_ID"
assert_field "$line" blocker.holder.pid "$HOLD_PID"
want="bpf_hold (pid $HOLD_PID) listens on 0.0.0.0:2022, but its SO_REUSEPORT group's BPF program (reuse_none, id $PROG_ID, held by pid $HOLD_PID (bpf_hold)) picked no socket"
assert_contains "$(jq -r .explanation <<<"$line")" "$want"
assert_text "-> $SRV4:2022  $want"
stop_tracer
pass
