#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# No journal to read (issue 23, item 3's fallback): journald with
# Storage=none forwards to Debian's rsyslog (its stock rsyslog.conf: auth
# to /var/log/auth.log, the rest to /var/log/syslog), the journal's files
# so far are put aside, and a typo in sshd_config (`Portt 22`) makes
# `systemctl restart ssh` fail. The unit's last words come from
# /var/log/syslog (sshd -t's stderr is facility daemon), said with the file,
# and the command to see more is a grep of that file. Restart=no (a
# drop-in): one failed start.
#
# What the guest shows in that state (Debian 12, rsyslog 8.2302, make vmsystemd):
#   journalctl -u ssh.service: "No journal files were found."
#   /var/log/syslog (RSYSLOG_FileFormat, RFC 3339 stamps):
#     ... wr-guest systemd[1]: Starting ssh.service - OpenBSD Secure Shell server...
#     ... wr-guest sshd[N]: /etc/ssh/sshd_config: line 123: Bad configuration option: Portt
#     ... wr-guest sshd[N]: /etc/ssh/sshd_config: terminating, 1 bad configuration options
#     ... wr-guest systemd[1]: ssh.service: Control process exited, code=exited, status=255/EXCEPTION
. "$(dirname "$0")/lib.sh"
check_guest
setup_client
aside() { local d; for d in /var/log/journal /run/log/journal; do [ -d "$d" ] && mv "$d" "$d.wr-aside"; done; return 0; }
back() {
	local d
	for d in /var/log/journal /run/log/journal; do
		[ -d "$d.wr-aside" ] || continue
		rm -rf "$d" && mv "$d.wr-aside" "$d"
	done
}
ON_EXIT+=("systemctl stop rsyslog.service syslog.socket; SYSTEMCTL_SKIP_SYSV=1 systemctl disable -q rsyslog.service")
ON_EXIT+=("rm -f /etc/systemd/journald.conf.d/wr-storage-none.conf; back; systemctl restart systemd-journald")
mkdir -p /etc/systemd/journald.conf.d
printf '[Journal]\nStorage=none\nForwardToSyslog=yes\n' >/etc/systemd/journald.conf.d/wr-storage-none.conf
systemctl restart systemd-journald
aside
# Enabled, as Debian installs it: its Alias=syslog.service is what
# syslog.socket (journald's forwarding socket) starts.
SYSTEMCTL_SKIP_SYSV=1 systemctl enable -q rsyslog.service
systemctl start rsyslog.service
wait_until 30 "rsyslog to write /var/log/syslog" test -s /var/log/syslog
assert_eq "$(journalctl -u ssh.service -o cat --no-pager 2>/dev/null | grep -vc '^-- No entries --$\|^No journal files' || true)" 0 \
	"journal lines of ssh.service with Storage=none"

# Restart=no: one failed start, not Debian's loop of six (a minute under emulation).
mkdir -p /etc/systemd/system/ssh.service.d
printf '[Service]\nRestart=no\n' >/etc/systemd/system/ssh.service.d/wr-no-restart.conf
systemctl daemon-reload
echo "Portt 22" >>/etc/ssh/sshd_config
if systemctl restart ssh.service; then fail "systemctl restart ssh succeeded with 'Portt 22'"; fi
wait_until 60 "ssh.service to end failed" unit_failed ssh.service
wait_until 30 "ssh.service to stay down" unit_settled ssh.service
wait_until 30 "port 22 to close" not_listening 22
wait_until 30 "sshd -t's line in /var/log/syslog" grep -q 'sshd\[[0-9]*\]: .*Bad configuration option: Portt' /var/log/syslog
record_unit_facts ssh.service syslog
# The files as rsyslog wrote them (recorded lines for tests/unit/test_unit_syslog.c).
tail -n 40 /var/log/syslog >"$OUTDIR/$TEST.var-log-syslog"
tail -n 20 /var/log/auth.log >"$OUTDIR/$TEST.var-log-auth.log" 2>/dev/null || true

WR_TEXT=1 start_tracer
line=$(refused_no_listener 22)
echo "$line"
assert_field "$line" unit.name ssh.service
assert_field "$line" unit.active_state failed
assert_field "$line" unit.result exit-code
assert_field "$line" unit.last_lines_from /var/log/syslog
assert_contains "$(jq -r '.unit.last_lines | join(" | ")' <<<"$line")" "Bad configuration option: Portt"
hint=$(jq -r '.hints[0]' <<<"$line")
assert_contains "$hint" "exit status 255 of its ExecStartPre"
assert_contains "$hint" "Bad configuration option: Portt (/var/log/syslog)"
assert_field "$line" unit.command "grep -F -- 'sshd[' /var/log/syslog"
assert_text "Bad configuration option: Portt (/var/log/syslog) -- grep -F -- 'sshd[' /var/log/syslog"
stop_tracer
pass
