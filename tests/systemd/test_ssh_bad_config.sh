#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A typo in sshd_config (`Portt 22`): `systemctl restart ssh` fails in
# ExecStartPre=/usr/sbin/sshd -t, the unit ends failed, and a client's SYN
# to 22 is refused.
#
# What systemd 252 says in that state (Debian 12 guest, make vmsystemd):
# ExecStartPre (sshd -t) exits 255 each time, and Restart=on-failure
# retries it although the unit says RestartPreventExitStatus=255 (that
# looks at the main process, which never ran) until the start limit: six
# attempts, the first and five restarts.
#   systemctl show -p ActiveState,SubState,Result,ExecMainStatus,ExecMainCode,
#                     NRestarts,UnitFileState,InactiveEnterTimestamp ssh.service
#     ActiveState=failed SubState=failed Result=exit-code
#     ExecMainCode=0 ExecMainStatus=0 (no main process: the 255 is the
#     control process's) NRestarts=5
#     UnitFileState=enabled InactiveEnterTimestamp=Wed 2026-12-02 03:46:32 UTC
#   journalctl -u ssh.service -n 3 -o cat
#     ssh.service: Start request repeated too quickly.
#     ssh.service: Failed with result 'exit-code'.
#     Failed to start ssh.service - OpenBSD Secure Shell server.
#   the cause is further back (journalctl -u ssh.service -n 14 -o cat):
#     Starting ssh.service - OpenBSD Secure Shell server...
#     /etc/ssh/sshd_config: line 123: Bad configuration option: Portt
#     /etc/ssh/sshd_config: terminating, 1 bad configuration options
#     ssh.service: Control process exited, code=exited, status=255/EXCEPTION
#     ssh.service: Failed with result 'exit-code'.
#     Failed to start ssh.service - OpenBSD Secure Shell server.
#     ssh.service: Scheduled restart job, restart counter is at 5.
#     Stopped ssh.service - OpenBSD Secure Shell server.
#     ...then the three lines above.
#   sshd -T fails the same way as sshd -t (exit 255):
#     /etc/ssh/sshd_config: line 123: Bad configuration option: Portt
#     /etc/ssh/sshd_config: terminating, 1 bad configuration options
. "$(dirname "$0")/lib.sh"
check_guest
setup_client
echo "Portt 22" >>/etc/ssh/sshd_config
if systemctl restart ssh.service; then fail "systemctl restart ssh succeeded with 'Portt 22'"; fi
# Six starts of sshd -t: a minute or more under emulation on a loaded host.
wait_until 150 "ssh.service to end failed" unit_failed ssh.service
wait_until 30 "ssh.service to stay down" unit_settled ssh.service
wait_until 30 "port 22 to close" not_listening 22
record_unit_facts ssh.service bad-config
record_journal ssh.service 14 bad-config
assert_eq "$(systemctl show -P ActiveState ssh.service)" failed "ActiveState"
assert_contains "$(/usr/sbin/sshd -t 2>&1 || true)" "Portt"

start_tracer
line=$(refused_no_listener 22)
echo "$line"
# Failed: its start command (sshd -t) rejected the config; the journal says which line.
assert_field "$line" unit.name ssh.service
assert_field "$line" unit.verdict failed
assert_field "$line" unit.active_state failed
assert_field "$line" unit.result exit-code
assert_contains "$(jq -r '.unit.last_lines | join(" | ")' <<<"$line")" \
	"Bad configuration option: Portt"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "exit status 255 of its ExecStartPre"
assert_contains "$(jq -r '.unit.command' <<<"$line")" "journalctl -u ssh.service -b --since"
stop_tracer
pass
