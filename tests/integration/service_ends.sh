#!/bin/bash
# How a service stopped, as the kernel saw it end: for each way a real
# listener ends, the refusal that follows says how, when and by whom, in
# the default mode and with --all-hooks, in JSON and text:
#   killed by SIGKILL from `kill` (the listener started before the tracer),
#   SIGTERM from `kill` run as uid 65534, a real sshd stopped by SIGTERM
#   from `kill` (it closes its sockets, then exits: both are one end), a crash (SIGSEGV, core dumped),
#   exit status 3, exec into `sleep` (the socket closed on exec), a reload
#   that closed the socket and listens on another port (still running),
#   the OOM killer in a memory-limited cgroup, and a unit
#   (whyrefused-test.service, a cgroup this test makes in the systemd
#   hierarchy) that exits 5 times in a row: a restart loop, with its
#   journalctl and systemctl commands.
# Sourced by test_service_ends_full.sh and test_service_ends_default.sh with
# MODE set (--all-hooks or ""): one scenario each, to stay well inside the
# runner's per-scenario time under emulation.
. "$(dirname "$0")/lib.sh"
setup_pair
[ -x /usr/sbin/sshd ] || fail "sshd missing (make deps installs openssh-server)"
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey"

# The systemd hierarchy: cgroup v1's name=systemd (this machine's hybrid
# mounts), or the unified v2 tree (the VMs).
if [ -d /sys/fs/cgroup/systemd ]; then SYSTEMD_CG=/sys/fs/cgroup/systemd; else SYSTEMD_CG=/sys/fs/cgroup; fi
UNIT_CG=$SYSTEMD_CG/whyrefused-test.service
mkdir -p "$UNIT_CG" || fail "cannot make $UNIT_CG"
ON_EXIT+=("rmdir $UNIT_CG")
# A memory limit the OOM killer enforces: v1's memory controller, or v2's.
if [ -d /sys/fs/cgroup/memory ]; then
	OOM_CG=/sys/fs/cgroup/memory/wrt-oom-$$
	mkdir "$OOM_CG" && echo $((64 << 20)) >"$OOM_CG/memory.limit_in_bytes"
else
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	OOM_CG=/sys/fs/cgroup/wrt-oom-$$
	mkdir "$OOM_CG" && echo $((64 << 20)) >"$OOM_CG/memory.max" &&
		{ [ ! -e "$OOM_CG/memory.swap.max" ] || echo 0 >"$OOM_CG/memory.swap.max"; }
fi || fail "cannot make a memory-limited cgroup"
ON_EXIT+=("rmdir $OOM_CG")
# A core is written where the crashing process runs, if the pattern is a file name.
CORES=true
case $(cat /proc/sys/kernel/core_pattern) in '|'*) CORES=false ;; esac

known() { [ -z "$TRACER_PID" ] || wait_polled "$@"; }
# serve PORT [FLAGS]: a listener that serves one connection, then does FLAGS.
serve() {
	start_listener "$SRV" 0.0.0.0 "$1" 128 "${2:-}"
	known "$1" "$LISTENER_PID"
	assert_eq "$(connect_from_client $SRV4 "$1")" connected "$1 while it runs"
}
# gone PORT: wait until nothing listens on PORT (bounded).
gone() {
	local i
	for ((i = 0; i < 100; i++)); do srv ss -ltn | grep -c ":$1 " >/dev/null || return 0; sleep 0.05; done
	fail "$1 still listens"
}
# refused PORT: the refusal for PORT, printed once it says how the service ended.
refused() {
	assert_eq "$(connect_from_client $SRV4 "$1")" refused "$1 after it ended"
	wait_refusal ".dport == $1" || fail "no refusal for $1"
}

run_mode() {
	local mode=$1 line pid i
	# Started before the tracer: its owner is found in the first dump.
	serve 7100
	local early=$LISTENER_PID
	start_tracer $mode
	known 7100 "$early"

	kill -KILL "$early"
	gone 7100
	line=$(refused 7100)
	assert_field "$line" last_listener.ended.how signal
	assert_field "$line" last_listener.ended.signal SIGKILL
	assert_field "$line" last_listener.ended.by.comm bash
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" \
		"tcp_listen (pid $early) on 0.0.0.0:7100 was killed by SIGKILL from bash (pid $$, uid 0) at "

	LISTEN_AS=65534 serve 7200
	pid=$LISTENER_PID
	setpriv --reuid 65534 --regid 65534 --clear-groups /bin/kill -TERM "$pid"
	gone 7200
	line=$(refused 7200)
	assert_field "$line" last_listener.ended.signal SIGTERM
	assert_field "$line" last_listener.ended.by.uid 65534
	assert_field "$line" last_listener.ended.by.comm kill
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" "was killed by SIGTERM from kill (pid "
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" ", uid 65534) at "
	assert_text "tcp_listen (pid $pid) on 0.0.0.0:7200 was killed by SIGTERM from kill (pid"

	LISTEN_PRE="ulimit -c unlimited; cd $WORK" serve 7300 then=segv
	pid=$LISTENER_PID
	gone 7300
	line=$(refused 7300)
	assert_field "$line" last_listener.ended.how signal
	assert_field "$line" last_listener.ended.signal SIGSEGV
	if $CORES; then
		assert_field "$line" last_listener.ended.core_dumped true
		assert_contains "$(jq -r '.hints[0]' <<<"$line")" "(pid $pid) on 0.0.0.0:7300 crashed: SIGSEGV, core dumped at "
	else
		assert_contains "$(jq -r '.hints[0]' <<<"$line")" "(pid $pid) on 0.0.0.0:7300 crashed: SIGSEGV"
	fi
	rm -f "$WORK"/core*

	serve 7400 then=exit:3
	gone 7400
	line=$(refused 7400)
	assert_field "$line" last_listener.ended.how exit
	assert_field "$line" last_listener.ended.status 3
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" "on 0.0.0.0:7400 exited with status 3 at "
	assert_text "on 0.0.0.0:7400 exited with status 3 at "

	serve 7500 then=exec
	pid=$LISTENER_PID
	gone 7500
	line=$(refused 7500)
	assert_field "$line" last_listener.ended.how exec
	assert_field "$line" last_listener.ended.exec sleep
	assert_field "$line" last_listener.comm tcp_listen
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" "tcp_listen (pid $pid) on 0.0.0.0:7500 was replaced by sleep (exec) at "
	kill "$pid"

	serve 7600 then=move:7650
	pid=$LISTENER_PID
	for ((i = 0; i < 100; i++)); do srv ss -ltn | grep -c ":7650 " >/dev/null && break; sleep 0.05; done
	known 7650 "$pid"	# the default mode: a poll saw the move
	line=$(refused 7600)
	assert_field "$line" last_listener.ended.how closed
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" "(pid $pid) on 0.0.0.0:7600 closed its socket and still runs"
	assert_contains "$(jq -r '.hints | join(" | ")' <<<"$line")" "tcp_listen (pid $pid) on 0.0.0.0:7650 -- wrong port?"
	kill "$pid"

	LISTEN_PRE="echo \$\$ >$OOM_CG/cgroup.procs" serve 7700 then=oom
	pid=$LISTENER_PID
	for ((i = 0; i < 200; i++)); do srv ss -ltn | grep -c ":7700 " >/dev/null || break; sleep 0.05; done
	line=$(refused 7700)
	assert_field "$line" last_listener.ended.how oom
	assert_field "$line" last_listener.ended.signal SIGKILL
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" "(pid $pid) on 0.0.0.0:7700 was killed by SIGKILL from the OOM killer at "
	assert_text "on 0.0.0.0:7700 was killed by SIGKILL from the OOM killer at "

	# A real sshd, stopped with SIGTERM (it closes its sockets, then exits).
	ip netns exec "$SRV" /usr/sbin/sshd -D -e -f /dev/null -h "$WORK/hostkey" -p 2222 \
		-o PidFile=none 2>>"$WORK/sshd.log" &
	pid=$!
	PIDS+=($pid)
	for ((i = 0; i < 100; i++)); do srv ss -ltn | grep -c ':2222 ' >/dev/null && break; sleep 0.05; done
	known 2222 "$pid"
	/bin/kill -TERM "$pid"
	gone 2222
	line=$(refused 2222)
	assert_field "$line" last_listener.comm sshd
	assert_field "$line" last_listener.ended.by.comm kill
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" "sshd (pid $pid) on "
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" "SIGTERM from kill (pid "
	assert_text "SIGTERM from kill (pid"

	# A unit that keeps exiting: five starts, five ends.
	for ((i = 0; i < 5; i++)); do
		LISTEN_PRE="echo \$\$ >$UNIT_CG/cgroup.procs" serve 7800
		pid=$LISTENER_PID
		# Its unit is read from /proc while it runs: a process gone within
		# the tracer's reaction time (~ms, longer while it names a rule) is
		# told without it (README).
		sleep 0.3
		kill -USR1 "$pid"	# default action: it exits, killed by SIGUSR1
		gone 7800
		assert_eq "$(connect_from_client $SRV4 7800)" refused "7800 after start $i"
	done
	line=$(wait_refusal ".dport == 7800 and .last_listener.pid == $pid") || fail "no refusal for the last 7800"
	assert_field "$line" last_listener.unit whyrefused-test.service
	assert_field "$line" last_listener.restarts 5
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" \
		"tcp_listen (whyrefused-test.service, pid $pid) on 0.0.0.0:7800 was killed by SIGUSR1 from bash (pid $$, uid 0) at "
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" \
		"-- journalctl -u whyrefused-test.service --since '"
	assert_contains "$(jq -r '.hints[0]' <<<"$line")" "'; systemctl status whyrefused-test.service"
	assert_contains "$(jq -r '.hints | join(" | ")' <<<"$line")" \
		"whyrefused-test.service started and stopped 5 times in the last 2 min (last: was killed by SIGUSR1 from bash"
	assert_text "whyrefused-test.service started and stopped 5 times in the last 2 min"
	stop_tracer
	assert_eq "$(jq -r 'select(.event == "stats" and .final) | .process_ends_lost' "$OUT")" 0 \
		"process ends lost"
}

run_mode "$MODE"
pass
