#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# An administrator stopped ssh.service (`systemctl stop ssh`) before the
# tracer started: a client's SYN to 22 is refused, no socket listens there.
#
# What systemd 252 says in that state (Debian 12 guest, make vmsystemd; the
# same on a fresh boot and after other scenarios):
#   systemctl show -p ActiveState,SubState,Result,ExecMainStatus,ExecMainCode,
#                     NRestarts,UnitFileState,InactiveEnterTimestamp ssh.service
#     ActiveState=inactive SubState=dead Result=success
#     ExecMainCode=1 (CLD_EXITED) ExecMainStatus=0 NRestarts=0
#     UnitFileState=enabled InactiveEnterTimestamp=Wed 2026-12-02 03:45:18 UTC
#     (the unit stays loaded: multi-user.target wants it)
#   journalctl -u ssh.service -n 3 -o cat
#     ssh.service: Deactivated successfully.
#     Stopped ssh.service - OpenBSD Secure Shell server.
#     ssh.service: Consumed 1.735s CPU time.
#   (before them, from sshd itself: "Received signal 15; terminating.")
#   sshd -T fails while the unit is down (its RuntimeDirectory /run/sshd is
#   gone): "Missing privilege separation directory: /run/sshd", exit 255.
. "$(dirname "$0")/lib.sh"
check_guest
setup_client
systemctl stop ssh.service
wait_until 30 "port 22 to close" not_listening 22
record_unit_facts ssh.service stopped
assert_eq "$(systemctl show -P ActiveState ssh.service)" inactive "ActiveState after systemctl stop"

start_tracer
line=$(refused_no_listener 22)
echo "$line"
# The unit that should listen on 22, and what to do: it was stopped by hand.
assert_field "$line" unit.name ssh.service
assert_field "$line" unit.verdict stopped
assert_field "$line" unit.active_state inactive
assert_field "$line" unit.sub_state dead
assert_field "$line" unit.unit_file_state enabled
assert_field "$line" unit.command "systemctl start ssh.service"
jq -e '.unit.inactive_since | test("^20")' <<<"$line" >/dev/null || fail "no inactive_since: $line"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" \
	"ssh.service should listen here"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "stopped cleanly; it is enabled"
stop_tracer
pass
