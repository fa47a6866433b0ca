# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Sourced by tools/bench/idle.sh and startup.sh: a pool of network
# namespaces named $PREFIX0.., each holding a listener on port 9000 (one
# process holds them all: $HOLDER, listen_netns.c). The caller sets PREFIX,
# HOLDER, WORK and HOLDER_PID= and calls pool_cleanup from its EXIT trap.

# namespaces N: grows the set of namespaces to N, one listener in each.
namespaces() {
	local want=$1 have i paths=()
	have=$(find /run/netns -maxdepth 1 -name "$PREFIX*" | wc -l)
	for ((i = have; i < want; i++)); do
		ip netns add "$PREFIX$i"
		ip -n "$PREFIX$i" link set lo up
	done
	if [ -n "$HOLDER_PID" ]; then	# gone, and its sockets with it, before the next one binds
		kill -9 "$HOLDER_PID" 2>/dev/null
		for ((i = 0; i < 100; i++)); do kill -0 "$HOLDER_PID" 2>/dev/null || break; sleep 0.05; done
	fi
	for ((i = 0; i < want; i++)); do paths+=("/run/netns/$PREFIX$i"); done
	"$HOLDER" 9000 "${paths[@]}" >"$WORK/holder" &
	HOLDER_PID=$!
	disown "$HOLDER_PID"
	for ((i = 0; i < 200; i++)); do grep -q ready "$WORK/holder" && return 0; sleep 0.05; done
	echo "$(basename "$0"): the listeners did not start" >&2
	exit 1
}

# The holder, the pool's namespaces and $WORK gone.
pool_cleanup() {
	local n
	[ -n "$HOLDER_PID" ] && kill -9 "$HOLDER_PID" 2>/dev/null || true
	for n in /run/netns/"$PREFIX"*; do [ -e "$n" ] && ip netns del "${n##*/}"; done
	rm -rf "$WORK"
}
