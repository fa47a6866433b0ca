#!/bin/bash
# cgroup ingress programs drop every packet to the sockets of a cgroup:
# a cgroup2 directory named like a systemd unit (api.service) holds a
# listener and systemd's own program name (sd_fw_ingress, as IPAddressDeny=
# compiles to), held by a loader's link; another unit's parent cgroup
# (web.service, the listener in a sub-cgroup) has another program, pinned
# and attached by bpftool (held by no process). The kernel drops the SYNs
# with SOCKET_FILTER: whyrefused names the listener, the cgroup, the
# program and its holder, and for systemd's program the unit's
# IPAddressDeny=/IPAddressAllow=. A listener outside accepts, untouched.
. "$(dirname "$0")/lib.sh"
HOLD=$HELPERS/bpf_hold OBJ=$HELPERS/blockers.bpf.o
[ -x "$HOLD" ] || fail "bpf_hold missing (make BUILD=... $HELPERS/bpf_hold)"
CG2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[ -n "$CG2" ] || fail "no cgroup2 mount"
SLICE=wrtest-$$.slice CG=$CG2/wrtest-$$.slice PIN=/sys/fs/bpf/wrtest-$$
mkdir -p "$CG/api.service" "$CG/web.service/main"
# Undone first (ON_EXIT runs before PIDS are killed): the cgroups' processes, then the cgroups.
ON_EXIT+=("(for q in \$(cat $CG/api.service/cgroup.procs $CG/web.service/main/cgroup.procs); do kill -9 \$q; done; for i in \$(seq 20); do rmdir $CG/web.service/main $CG/web.service $CG/api.service $CG 2>/dev/null && break; sleep 0.1; done)")
ON_EXIT+=("rm -rf $PIN")
setup_pair
LISTEN_PRE="echo \$\$ > $CG/api.service/cgroup.procs" start_listener "$SRV" 0.0.0.0 8080
API=$LISTENER_PID
LISTEN_PRE="echo \$\$ > $CG/web.service/main/cgroup.procs" start_listener "$SRV" 0.0.0.0 8081
WEB=$LISTENER_PID
start_listener "$SRV" 0.0.0.0 8082

# systemd's program, held by its loader through a cgroup link.
fifo=$WORK/hold.fifo
mkfifo "$fifo"
"$HOLD" "$OBJ" sd_fw_ingress cgroup "$CG/api.service" >"$fifo" 2>"$WORK/hold.err" &
HOLD_PID=$!
PIDS+=($!)
disown $!
read -r -t 10 hold <"$fifo" || true
[ "${hold%% *}" = attached ] || fail "bpf_hold: $(cat "$WORK/hold.err")"
SD_ID=${hold#attached }
# Another, pinned and attached by bpftool to web.service (an ancestor of the listener's cgroup).
bpftool prog loadall "$OBJ" "$PIN" || fail "bpftool prog loadall failed"
bpftool cgroup attach "$CG/web.service" ingress pinned "$PIN/api_guard" multi ||
	fail "bpftool cgroup attach failed"
GUARD_ID=$(bpftool prog show pinned "$PIN/api_guard" | sed -n 's/^\([0-9]*\): .*/\1/p')
# A user's pattern names a program's owner (rule_owners.conf syntax), as the
# built-in ones name systemd's, Cilium's and Calico's.
printf 'program api_*  "the API guard ({unit})"  journalctl -u {unit}\n' >"$WORK/owners.conf"
start_tracer --rule-owners "$WORK/owners.conf"

assert_eq "$(connect_from_client $SRV4 8080 1500)" timeout "client on 8080"
line=$(wait_refusal '.dport == 8080 and .blocker.looked_up' 8) || fail "no refusal for 8080"
assert_refusal_contract "$line"
assert_field "$line" cause other_drop
assert_field "$line" reason SOCKET_FILTER
assert_field "$line" blocker.kind cgroup
assert_field "$line" blocker.program sd_fw_ingress
assert_field "$line" blocker.id "$SD_ID"
assert_field "$line" blocker.cgroup "/$SLICE/api.service"
assert_field "$line" blocker.unit api.service
assert_field "$line" blocker.holder.pid "$HOLD_PID"
assert_field "$line" blocker.command "systemctl show -p IPAddressDeny -p IPAddressAllow api.service"
want="systemd's IPAddressDeny=/IPAddressAllow= of api.service dropped the SYN (its program sd_fw_ingress, id $SD_ID, on cgroup /$SLICE/api.service ingress); tcp_listen (api.service, pid $API) listens on 0.0.0.0:8080 there"
assert_contains "$(jq -r .explanation <<<"$line")" "$want"
assert_field "$line" listener.pid "$API"
assert_field "$line" listener.unit api.service
assert_field "$line" listener.port 8080
assert_field "$line" blocker.owner "systemd (api.service's IPAddressDeny=/IPAddressAllow=)"
assert_text "-> $SRV4:8080  $want"

assert_eq "$(connect_from_client $SRV4 8081 1500)" timeout "client on 8081"
line=$(wait_refusal '.dport == 8081 and .blocker.looked_up' 8) || fail "no refusal for 8081"
assert_field "$line" reason SOCKET_FILTER
assert_field "$line" blocker.kind cgroup
assert_field "$line" blocker.program api_guard
assert_field "$line" blocker.id "$GUARD_ID"
assert_field "$line" blocker.cgroup "/$SLICE/web.service"
assert_field "$line" blocker.holder null
assert_field "$line" listener.pid "$WEB"
assert_field "$line" listener.unit web.service
want="a cgroup BPF program dropped the SYN: api_guard (id $GUARD_ID, held by no process (pinned in bpffs, or left attached)) on cgroup /$SLICE/web.service ingress; tcp_listen (web.service, pid $WEB) listens on 0.0.0.0:8081 in that cgroup"
assert_contains "$(jq -r .explanation <<<"$line")" "$want"
case "$line" in *IPAddressDeny*) fail "a program not systemd's told as IPAddressDeny: $line" ;; esac
assert_field "$line" blocker.owner "the API guard (web.service)"
assert_field "$line" blocker.owner_command "journalctl -u web.service"
assert_text "the program belongs to the API guard (web.service): journalctl -u web.service"
assert_text "-> $SRV4:8081  $want"

# Outside both cgroups: accepted, nothing said.
assert_eq "$(connect_from_client $SRV4 8082)" connected "client on 8082"
sleep 0.5
assert_eq "$(count_refusals '.dport == 8082')" 0 "refusals of 8082"
stop_tracer
pass
