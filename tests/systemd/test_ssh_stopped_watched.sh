#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# ssh.service goes down WHILE the tracer watches (issue 23, item 5): the
# refusal tells its process's end (from the kernel) and, as after the fact,
# the unit's state and enablement from systemd. First `systemctl stop ssh`
# (stays down: stopped cleanly, enabled); then a SIGSEGV with Debian's
# Restart=on-failure and RestartSec=8 (a drop-in): a client refused in the
# gap hears that systemd is restarting it, not that it stays down.
#
# What systemd 252 says in the gap (Debian 12 guest, make vmsystemd):
#   ActiveState=activating SubState=auto-restart Result=signal
#   ExecMainCode=2 (CLD_KILLED) ExecMainStatus=11 NRestarts=0 (1 once back)
. "$(dirname "$0")/lib.sh"
check_guest
setup_client
mkdir -p /etc/systemd/system/ssh.service.d
printf '[Service]\nRestart=on-failure\nRestartSec=8\n' >/etc/systemd/system/ssh.service.d/wr-restart-sec.conf
systemctl daemon-reload
systemctl restart ssh.service
wait_until 30 "sshd on 22 after the restart" listening 22

WR_TEXT=1 start_tracer
# The tracer knows who listens before the stop (its start-up inventory).
systemctl stop ssh.service
wait_until 30 "port 22 to close" not_listening 22
record_unit_facts ssh.service stopped-watched
line=$(refused_no_listener 22)
first=$SECONDS
echo "$line"
# Told exactly, as before: sshd of ssh.service was stopped by systemd.
assert_field "$line" last_listener.unit ssh.service
assert_field "$line" last_listener.comm sshd
# And now the unit: stopped cleanly, enabled, the command that starts it.
assert_field "$line" unit.name ssh.service
assert_field "$line" unit.verdict stopped
assert_field "$line" unit.active_state inactive
assert_field "$line" unit.unit_file_state enabled
assert_field "$line" unit.command "systemctl start ssh.service"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "stopped cleanly; it is enabled"
# Which source named it depends on how far the journal scan got (its
# "Server listening on :: port 22." or /etc/services): not asserted.
assert_text "ssh.service should listen here ("
assert_text "): it is inactive (dead) since"
assert_text "stopped cleanly; it is enabled: it started at boot, and was stopped since -- systemctl start ssh.service"

# Back up; a crash that Restart=on-failure recovers from, 8 s later.
systemctl start ssh.service
wait_until 30 "sshd on 22 again" listening 22
pid=$(systemctl show -P MainPID ssh.service)
[ "$pid" -gt 1 ] || fail "ssh.service has no main pid ($pid)"
# The first answer is kept 10 s per port (unit_status.c): past it, a fresh one.
while [ $((SECONDS - first)) -lt 11 ]; do sleep 0.5; done
kill -SEGV "$pid"
wait_until 20 "port 22 to close after the crash" not_listening 22
assert_eq "$(connect_client 22)" refused "the client connecting in the restart gap"
record_unit_facts ssh.service segv-watched
line=$(wait_refusal 22 '.last_listener.pid == '"$pid")
echo "$line"
assert_field "$line" last_listener.ended.how signal
assert_field "$line" last_listener.ended.signal SIGSEGV
assert_field "$line" unit.name ssh.service
assert_field "$line" unit.restart on-failure
verdict=$(jq -r '.unit.verdict' <<<"$line")
hint=$(jq -r '.hints[0]' <<<"$line")
# The lookup runs within a few seconds of the refusal: in the gap, or just after (TCG).
case $verdict in
restarting) assert_contains "$hint" "it is between restarts (activating (auto-restart)) after it crashed (SIGSEGV)" ;;
restarted) assert_contains "$hint" "Restart=on-failure restarted it" ;;
*) fail "unit.verdict: expected restarting or restarted, got '$verdict' in $line" ;;
esac
assert_text "it crashed (SIGSEGV)"
assert_text "sshd (ssh.service, pid $pid) on"
# kill(1) from a shell: the kernel says who sent it (not a crash of its own).
assert_text "was killed by SIGSEGV from bash"
wait_until 30 "systemd to restart ssh.service" listening 22
stop_tracer
pass "$verdict"
