#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# sshd crashes (SIGSEGV to its main process) and is not restarted (a
# drop-in with Restart=no): ssh.service ends failed, a client's SYN to 22
# is refused.
#
# What systemd 252 says in that state (Debian 12 guest, make vmsystemd):
# no core was dumped (the image has no systemd-coredump), so the result is
# "signal", not "core-dump".
#   systemctl show -p ActiveState,SubState,Result,ExecMainStatus,ExecMainCode,
#                     NRestarts,UnitFileState,InactiveEnterTimestamp ssh.service
#     ActiveState=failed SubState=failed Result=signal
#     ExecMainCode=2 (CLD_KILLED) ExecMainStatus=11 (SIGSEGV) NRestarts=0
#     UnitFileState=enabled InactiveEnterTimestamp=Wed 2026-12-02 03:42:18 UTC
#   journalctl -u ssh.service -n 3 -o cat (two runs: "Consumed ... CPU time"
#   comes a moment later, so the last three lines depend on when one reads)
#     Started ssh.service - OpenBSD Secure Shell server.
#     ssh.service: Main process exited, code=killed, status=11/SEGV
#     ssh.service: Failed with result 'signal'.
#   or
#     ssh.service: Main process exited, code=killed, status=11/SEGV
#     ssh.service: Failed with result 'signal'.
#     ssh.service: Consumed 1.652s CPU time.
#   sshd -T: "Missing privilege separation directory: /run/sshd", exit 255.
. "$(dirname "$0")/lib.sh"
check_guest
setup_client
mkdir -p /etc/systemd/system/ssh.service.d
printf '[Service]\nRestart=no\n' >/etc/systemd/system/ssh.service.d/wr-no-restart.conf
systemctl daemon-reload
systemctl restart ssh.service
wait_until 30 "sshd on 22 after the restart" listening 22
pid=$(systemctl show -P MainPID ssh.service)
[ "$pid" -gt 1 ] || fail "ssh.service has no main pid ($pid)"
kill -SEGV "$pid"
wait_until 60 "ssh.service to end failed" unit_failed ssh.service
wait_until 30 "port 22 to close" not_listening 22
record_unit_facts ssh.service segv
assert_eq "$(systemctl show -P ExecMainPID ssh.service)" "$pid" "ExecMainPID"

start_tracer
line=$(refused_no_listener 22)
echo "$line"
# Crashed, and Restart=no keeps it down.
assert_field "$line" unit.name ssh.service
assert_field "$line" unit.verdict crashed
assert_field "$line" unit.result signal
assert_field "$line" unit.exec_main_status 11
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "it crashed (SIGSEGV)"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "Restart=no: it stays down"
stop_tracer
pass
