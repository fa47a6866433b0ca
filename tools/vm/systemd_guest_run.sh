#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Inside the guest tools/vm/systemd_guest.sh boots, as /wr/guest_run.sh, run
# by wr-scenarios.service (Type=simple, after multi-user.target): waits for
# the system to settle, runs each scenario of /wr/config's TESTS as root
# (bounded), reports on the second serial port (ttyS1; the host prints it),
# leaves each scenario's log, facts and tracer output in /out, which goes
# back as a tar on the third NVMe namespace, and powers off.
set -u
. /wr/config	# TESTS, SCENARIO_TIMEOUT
stty -F /dev/ttyS1 raw -echo 2>/dev/null || true
exec 3>/dev/ttyS1
say() { printf '%s\n' "$*" >&3; printf '%s\n' "$*"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

# `--wait` returns once no job is queued; our own start job is long done.
state=$(timeout 300 systemctl is-system-running --wait 2>&1)
say "WR-UP $(uname -r): system $state at $(uptime_s) s after boot; pid 1 is $(cat /proc/1/comm)"
say "WR-BOOT $(systemd-analyze time 2>/dev/null | head -n 1)"
if [ "$state" != running ]; then
	say "WR-NOTE failed units: $(systemctl list-units --failed --plain --no-legend | awk '{print $1}' | tr '\n' ' ')"
fi

mkdir -p /out
export WR_OUT=/out WRDIR=/wr
ran=0 failed=0
for t in $TESTS; do
	ran=$((ran + 1))
	start=$(date +%s%N)
	rc=0
	timeout --kill-after=10 "$SCENARIO_TIMEOUT" bash "/wr/tests/systemd/$t.sh" >"/out/$t.log" 2>&1 || rc=$?
	secs=$((($(date +%s%N) - start) / 1000000))
	secs=$((secs / 1000)).$((secs % 1000 / 100))
	line=$(grep -E '^(ok |FAIL )' "/out/$t.log" | tail -n 1)
	if [ $rc -eq 0 ] && [ "${line#ok }" != "$line" ]; then
		say "$line (${secs} s)"
	else
		failed=$((failed + 1))
		if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			line="FAIL $t: timed out after $SCENARIO_TIMEOUT s"
		elif [ "${line#FAIL }" = "$line" ]; then
			line="FAIL $t: exit status $rc without a verdict"
		fi
		say "$line (${secs} s)"
		tail -n 40 "/out/$t.log" | sed 's/^/  | /' >&3
		# A scenario killed by the timeout did not undo what it did.
		timeout 120 bash /wr/tests/systemd/restore.sh >>"/out/$t.log" 2>&1 ||
			say "WR-NOTE could not restore ssh.service after $t: the next scenarios may fail"
	fi
done
say "WR-RAN $ran scenarios, $failed failed, at $(uptime_s) s after boot"

journalctl -b --no-pager -o short-monotonic >/out/journal.txt 2>&1
lsmod >/out/lsmod.txt 2>&1
if tar -C /out -cf /dev/nvme0n3 . && sync; then
	say "WR-DONE"
else
	say "WR-ERROR could not write the results tar to /dev/nvme0n3"
fi
sleep 1	# the serial line drains
systemctl poweroff -ff
