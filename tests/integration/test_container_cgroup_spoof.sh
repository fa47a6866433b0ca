#!/bin/bash
# A container is told by its cgroup only where its runtime puts it. A
# process in a cgroup of its own named like Docker's (as anyone with a
# delegated cgroup tree, a user's user@UID.service, can name one) listens in
# another namespace: the refusal names that namespace, not a container. One
# in /system.slice/docker-ID.scope, where Docker's systemd driver puts its
# containers, is named as the container.
. "$(dirname "$0")/lib.sh"
setup_pair
FAKE=5d1f0f8c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5
REAL=8f75def5c927c9fbbbcfc08dee9fc8be7aa76d4fca99528af879f05f9e9ed96c
# The systemd hierarchy: cgroup v1's name=systemd (hybrid mounts), or v2's tree.
if [ -d /sys/fs/cgroup/systemd ]; then CG=/sys/fs/cgroup/systemd; else CG=/sys/fs/cgroup; fi
# mkcg PATH: makes each missing directory of PATH under $CG (removed on
# exit); the last in $CG_DIR (not a subshell: ON_EXIT must keep the rmdirs).
mkcg() {
	local d=$CG part parts
	IFS=/ read -ra parts <<<"$1"
	for part in "${parts[@]}"; do
		[ -n "$part" ] || continue
		d=$d/$part
		[ -d "$d" ] && continue
		mkdir "$d" || fail "cannot make cgroup $d"
		ON_EXIT+=("rmdir $d")
	done
	CG_DIR=$d
}
mkcg "user.slice/user-6$$.slice/wrt-$$/docker-$FAKE.scope"
user_cg=$CG_DIR
mkcg "system.slice/docker-$REAL.scope"
real_cg=$CG_DIR
ip netns add "$OTHER"
other ip link set lo up
LISTEN_PRE="echo \$\$ >$user_cg/cgroup.procs" start_listener "$OTHER" 0.0.0.0 5000
USER_PID=$LISTENER_PID
grep -q "docker-$FAKE.scope" /proc/$USER_PID/cgroup || fail "the listener is not in $user_cg"
DOCKER_NS=wrt-d-$$
EXTRA_NETNS+=("$DOCKER_NS")
ip netns add "$DOCKER_NS"
ip netns exec "$DOCKER_NS" ip link set lo up
LISTEN_PRE="echo \$\$ >$real_cg/cgroup.procs" start_listener "$DOCKER_NS" 0.0.0.0 5001
REAL_PID=$LISTENER_PID
# Before the cgroups go (ON_EXIT runs backwards): a cgroup with a process in it stays.
ON_EXIT+=("kill -9 $USER_PID $REAL_PID; sleep 0.2")
start_tracer

other_ns=$(stat -L -c %i "/run/netns/$OTHER")
assert_eq "$(connect_from_client $SRV4 5000)" refused "client outcome on 5000"
line=$(wait_refusal '.dport == 5000') || fail "no refusal on 5000"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" \
	"tcp_listen (pid $USER_PID) on 0.0.0.0:5000 in another network namespace, netns $other_ns (/run/netns/$OTHER)"
case $line in *"(docker)"*) fail "a user's cgroup told as a container: $line" ;; esac
assert_text "tcp_listen (pid $USER_PID) on 0.0.0.0:5000 in another network namespace, netns $other_ns (/run/netns/$OTHER)"

assert_eq "$(connect_from_client $SRV4 5001)" refused "client outcome on 5001"
line=$(wait_refusal '.dport == 5001') || fail "no refusal on 5001"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" \
	"tcp_listen (pid $REAL_PID) on 0.0.0.0:5001 in another network namespace, container ${REAL:0:12} (docker)"
stop_tracer
pass
