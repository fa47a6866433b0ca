#!/bin/bash
# A real sshd listens on 2222, the client tries 22: the refusal names sshd,
# its pid and the port it does listen on. sshd started before the tracer,
# so its owner comes from the sock_diag dump and /proc, not from an event.
. "$(dirname "$0")/lib.sh"
[ -x /usr/sbin/sshd ] || fail "sshd missing (make deps installs openssh-server)"
setup_pair
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey"
ip netns exec "$SRV" /usr/sbin/sshd -D -e -f /dev/null -h "$WORK/hostkey" -p 2222 -o PidFile=none \
	2>"$WORK/sshd.log" &
SSHD_PID=$!
PIDS+=($SSHD_PID)
disown $SSHD_PID
for ((i = 0; i < 100; i++)); do srv ss -ltn | grep -c ':2222 ' >/dev/null && break; sleep 0.05; done
start_listener "$SRV" 0.0.0.0 9000	# unrelated: must not be called a wrong port
start_tracer

ssh_out=$(cli ssh -p 22 -o BatchMode=yes -o ConnectTimeout=3 -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null admin@$SRV4 true 2>&1 || true)
assert_contains "$ssh_out" "Connection refused"
line=$(wait_refusal '.dport == 22') || fail "no refusal event"
assert_refusal_contract "$line"
assert_field "$line" cause no_listener
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "sshd (pid $SSHD_PID) on 0.0.0.0:2222 -- wrong port?"
assert_contains "$(jq -r .explanation <<<"$line")" "sshd (pid $SSHD_PID) on 0.0.0.0:2222 -- wrong port?"
rel=$(jq -c '.listeners[] | select(.relation == "other_port")' <<<"$line")
assert_eq "$(jq -r .port <<<"$rel")" 2222 "related listener port"
assert_eq "$(jq -r .comm <<<"$rel")" sshd "related listener comm"
assert_eq "$(jq -r .pid <<<"$rel")" "$SSHD_PID" "related listener pid"
assert_eq "$(jq -r '[.listeners[] | select(.port == 9000)] | length' <<<"$line")" 0 \
	"port 9000 named as a wrong port"
assert_eq "$(jq -r 'has("last_listener")' <<<"$line")" false "last_listener without history"
assert_text "-> $SRV4:22  no socket listens on $SRV4:22; the kernel answered with RST, the client sees Connection refused; sshd (pid $SSHD_PID) on 0.0.0.0:2222 -- wrong port?"
stop_tracer
pass
