#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# sshd moved to another port (`Port 2222` in sshd_config, restarted):
# ssh.service is active and listens on 2222, a client's SYN to 22 is refused.
#
# What systemd 252 says in that state (Debian 12 guest, make vmsystemd):
#   systemctl show -p ActiveState,SubState,Result,ExecMainStatus,ExecMainCode,
#                     NRestarts,UnitFileState,InactiveEnterTimestamp ssh.service
#     ActiveState=active SubState=running Result=success
#     ExecMainCode=0 ExecMainStatus=0 (the main process runs) NRestarts=0
#     UnitFileState=enabled InactiveEnterTimestamp=Wed 2026-12-02 03:41:34 UTC
#     (the restart's stop)
#   journalctl -u ssh.service -n 3 -o cat
#     Server listening on 0.0.0.0 port 2222.
#     Server listening on :: port 2222.
#     Started ssh.service - OpenBSD Secure Shell server.
#   sshd -T (works: the unit runs, /run/sshd exists)
#     port 2222
#     listenaddress [::]:2222
#     listenaddress 0.0.0.0:2222
# Then `systemctl stop ssh`: sshd -T fails ("Missing privilege separation
# directory: /run/sshd"), the journal's newest "Server listening on ..."
# says 2222.
. "$(dirname "$0")/lib.sh"
check_guest
setup_client
echo "Port 2222" >>/etc/ssh/sshd_config
systemctl restart ssh.service
wait_until 30 "sshd on 2222" listening 2222
wait_until 30 "port 22 to close" not_listening 22
record_unit_facts ssh.service port-2222
assert_eq "$(/usr/sbin/sshd -T | awk '$1 == "port" {print $2}' | tr '\n' ' ')" "2222 " "sshd -T port"
assert_eq "$(connect_client 2222)" connected "the client connecting to $HOST4:2222"

WR_TEXT=1 start_tracer
line=$(refused_no_listener 22)
first=$SECONDS
echo "$line"
# Running, configured for another port: the client has the wrong one.
assert_field "$line" unit.name ssh.service
assert_field "$line" unit.verdict other_port
assert_field "$line" unit.config_port 2222
assert_field "$line" unit.command "ssh -p 2222 $HOST4"
# sshd -T says it; when it needs more than its 2 s (emulation on a loaded
# host: sshd -t took 3 s), the journal's line of its start does.
from=$(jq -r '.unit.config_from' <<<"$line")
case $from in
"sshd -T") where="sshd_config: Port 2222, per sshd -T" ;;
"its journal: Server listening on "*" port 2222.") where=$from; note "sshd -T ran out of time: $from" ;;
*) fail "unit.config_from: expected sshd -T or its journal's line, got '$from'" ;;
esac
assert_contains "$(jq -r '.hints[0]' <<<"$line")" \
	"it is active (running) but configured for port 2222 ($where) -- ssh -p 2222 $HOST4"
assert_text "configured for port 2222 ($where) -- ssh -p 2222 $HOST4"
assert_eq "$(connect_client 2222)" connected "the client following the hint (port 2222)"

# Down and configured for 2222: sshd -T cannot tell now (Debian's sshd
# wants /run/sshd, gone with the unit), its journal's last start does.
systemctl stop ssh.service
wait_until 30 "port 2222 to close" not_listening 2222
record_unit_facts ssh.service port-2222-stopped
# The first answer is kept 10 s per port (unit_status.c): past it, a fresh one.
while [ $((SECONDS - first)) -lt 11 ]; do sleep 0.5; done
assert_eq "$(connect_client 22)" refused "the client connecting to $HOST4:22, ssh.service down"
line=$(wait_refusal 22 '.unit.verdict == "stopped"')
echo "$line"
assert_field "$line" unit.config_port 2222
assert_contains "$(jq -r '.unit.config_from' <<<"$line")" "its journal: Server listening on "
assert_field "$line" unit.command "systemctl start ssh.service"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" \
	" port 2222.), not 22: once it runs, ssh -p 2222 $HOST4 -- systemctl start ssh.service"
assert_text "not 22: once it runs, ssh -p 2222 $HOST4 -- systemctl start ssh.service"
stop_tracer
pass "running: config_port from $from"
