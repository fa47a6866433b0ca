#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# ssh.service disabled and stopped (`systemctl disable --now ssh`): a
# client's SYN to 22 is refused, no socket listens there.
#
# What systemd 252 says in that state (Debian 12 guest, make vmsystemd; the
# same on a fresh boot): `systemctl disable` goes through update-rc.d
# (/etc/init.d/ssh exists), three daemon-reloads. Nothing references the
# unit any more, so systemd garbage-collects it once stopped: it is not in
# `systemctl list-units --all`, D-Bus GetUnit fails, and `systemctl show`
# loads it afresh with no runtime state (the journal is the only history):
#   systemctl show -p ActiveState,SubState,Result,ExecMainStatus,ExecMainCode,
#                     NRestarts,UnitFileState,InactiveEnterTimestamp ssh.service
#     ActiveState=inactive SubState=dead Result=success
#     ExecMainCode=0 ExecMainStatus=0 NRestarts=0
#     UnitFileState=disabled InactiveEnterTimestamp= (empty)
#   journalctl -u ssh.service -n 3 -o cat
#     ssh.service: Deactivated successfully.
#     Stopped ssh.service - OpenBSD Secure Shell server.
#     ssh.service: Consumed 3.379s CPU time.
#   sshd -T: "Missing privilege separation directory: /run/sshd", exit 255.
. "$(dirname "$0")/lib.sh"
check_guest
setup_client
systemctl disable --now ssh.service
wait_until 30 "port 22 to close" not_listening 22
record_unit_facts ssh.service disabled
assert_eq "$(systemctl show -P UnitFileState ssh.service)" disabled "UnitFileState after disable"

start_tracer
line=$(refused_no_listener 22)
echo "$line"
# Stopped and disabled: it will not come back at boot either.
assert_field "$line" unit.name ssh.service
assert_field "$line" unit.verdict stopped
assert_field "$line" unit.unit_file_state disabled
assert_field "$line" unit.command "systemctl enable --now ssh.service"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "it is disabled (it will not start at boot)"
stop_tracer
pass
