#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A service that listens, fenced by systemd itself: wrdeny.service runs a
# listener on 0.0.0.0:8089 with IPAddressDeny=192.0.2.0/24 (the client's
# network) and IPAddressAllow=localhost. systemd compiles that to a cgroup
# ingress BPF program of its own (sd_fw_ingress) on the unit's cgroup, held
# by PID 1; the kernel drops the client's SYNs with SOCKET_FILTER. Not a
# test loader playing systemd (tests/integration/test_blocker_cgroup.sh):
# systemd 252's own program, link and cgroup, as on a Debian 12 server.
#
# whyrefused must say the listener is there and which unit's IPAddressDeny=
# dropped the SYN, with the command that shows it; never "nothing listens".
# A connection from the host itself (allowed: localhost) is accepted.
. "$(dirname "$0")/lib.sh"
check_guest
setup_client
ON_EXIT+=("systemctl stop wrdeny.service; systemctl reset-failed wrdeny.service")
systemd-run --unit=wrdeny.service --description="whyrefused IPAddressDeny= scenario" \
	-p IPAddressDeny=192.0.2.0/24 -p IPAddressAllow=localhost \
	"$HELPERS/tcp_listen" 0.0.0.0 8089 >/dev/null
wait_until 30 "wrdeny.service listening on 8089" listening 8089
unit_active wrdeny.service || fail "wrdeny.service is $(systemctl is-active wrdeny.service)"
LPID=$(systemctl show -P MainPID wrdeny.service)
note "systemctl show: $(systemctl show -p IPAddressDeny -p IPAddressAllow wrdeny.service | tr '\n' ' ')"
note "bpftool cgroup tree: $(bpftool cgroup tree 2>/dev/null | grep -A2 wrdeny || echo '(no bpftool)')"

WR_TEXT=1 start_tracer
assert_eq "$(connect_client 8089 1500)" timeout "the client connecting to $HOST4:8089"
line=$(wait_refusal 8089 '.blocker.looked_up')
echo "$line"
assert_field "$line" cause other_drop
assert_field "$line" reason SOCKET_FILTER
assert_field "$line" blocker.kind cgroup
assert_field "$line" blocker.program sd_fw_ingress
assert_field "$line" blocker.unit wrdeny.service
assert_field "$line" blocker.cgroup /system.slice/wrdeny.service
assert_field "$line" blocker.holder.pid 1
assert_field "$line" blocker.command "systemctl show -p IPAddressDeny -p IPAddressAllow wrdeny.service"
assert_field "$line" listener.pid "$LPID"
assert_field "$line" listener.unit wrdeny.service
assert_field "$line" listener.port 8089
expl=$(jq -r .explanation <<<"$line")
assert_contains "$expl" "systemd's IPAddressDeny=/IPAddressAllow= of wrdeny.service dropped the SYN"
assert_contains "$expl" "listens on 0.0.0.0:8089"
case "$expl" in *"no socket listens"* | *"nothing listens"*) fail "a listener told as absent: $expl" ;; esac
wait_until 20 "the text tracer's line for 8089" grep -q "IPAddressDeny=/IPAddressAllow= of wrdeny.service" "$TXT"

# Allowed by the unit (localhost): accepted, nothing said.
assert_eq "$("$HELPERS/tcp_connect" 127.0.0.1 8089 3000 || true)" connected "a local client"
sleep 1
[ "$(jq -c 'select(.event == "refusal" and .dport == 8089 and .saddr == "127.0.0.1")' "$OUT" | wc -l)" = 0 ] ||
	fail "an accepted local connection was reported"
stop_tracer
pass
