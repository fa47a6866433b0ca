#!/bin/bash
# netavark's nftables backend (table inet netavark, as netavark 1.9+ writes
# it: tests/integration/fixtures/netavark-nftables.nft) in the server
# namespace, around a real container of Debian's podman (--network none,
# then wired as netavark would: its eth0 in 203.0.113.0/24 behind the
# server's "podman2"; the client sits on "podman1"). Debian's netavark (1.4)
# has no nftables backend: the ruleset is loaded with nft.
# - The published port (8080 -> 203.0.113.2:80, nothing listens there) is
#   refused in the container, named with what the client dialled.
# - The client reaching the container directly crosses networks: netavark's
#   isolation drops it, and the retry names the rule, owner podman
#   (netavark) and its command.
# - A second container holding the same address (another network): which
#   one the SYN was for is not known, and neither is named.
. "$(dirname "$0")/lib.sh"
command -v podman >/dev/null || fail "podman is not installed (make deps)"
FIX=$ROOT/tests/integration/fixtures
setup_pair
IMAGE=localhost/whyrefused-test-busybox:$$ CTR=wrt-nvweb-$$ CTR4=203.0.113.2
podman_srv() {
	nsenter --net="/run/netns/$SRV" podman --cgroup-manager=cgroupfs --runtime runc "$@"
}
mkdir -p "$WORK/rootfs/bin"
cp /bin/busybox "$WORK/rootfs/bin/"
for a in sh sleep; do ln -s busybox "$WORK/rootfs/bin/$a"; done
tar -C "$WORK/rootfs" -cf "$WORK/rootfs.tar" .
ON_EXIT+=("podman rmi -f $IMAGE")
podman import "$WORK/rootfs.tar" "$IMAGE" >"$WORK/podman.log" 2>&1 ||
	fail "podman import failed: $(cat "$WORK/podman.log")"
ON_EXIT+=("podman_srv rm -f -t 0 $CTR")
podman_srv run -d --name "$CTR" --network none --ulimit nofile=20000:20000 \
	--ulimit nproc=1000:1000 "$IMAGE" sleep 1000 >"$WORK/podman.log" 2>&1 ||
	fail "podman run $CTR failed: $(cat "$WORK/podman.log")"
for ((i = 0; i < 100; i++)); do
	pid=$(podman_srv inspect -f '{{.State.Pid}}' "$CTR" 2>/dev/null)
	[ -n "$pid" ] && [ "$pid" != 0 ] && break
	sleep 0.1
done
[ -n "$pid" ] && [ "$pid" != 0 ] || fail "$CTR has no process"
# The bridges' names netavark would give, in the server namespace only.
srv ip link set wr-s down
srv ip link set wr-s name podman1
srv ip link set podman1 up
srv ip link add podman2 type veth peer name eth0 netns "$pid"
srv ip addr add 203.0.113.1/24 dev podman2
srv ip link set podman2 up
nsenter -t "$pid" -n ip addr add $CTR4/24 dev eth0
nsenter -t "$pid" -n ip link set eth0 up
nsenter -t "$pid" -n ip route add default via 203.0.113.1
srv sysctl -qw net.ipv4.ip_forward=1
cli ip route add 203.0.113.0/24 via $SRV4
srv nft -f "$FIX/netavark-nftables.nft" || fail "the netavark fixture did not load"
ctr_ns=$(stat -L -c %i "/proc/$pid/ns/net")
start_tracer

# The published port, refused in the container.
assert_eq "$(connect_from_client $SRV4 8080)" refused "the published 8080"
line=$(wait_json "$OUT" ".event == \"refusal\" and .netns == $ctr_ns and .dport == 80" 10) ||
	fail "no refusal in $CTR's namespace"
assert_refusal_contract "$line"
assert_field "$line" cause no_listener
assert_field "$line" container.name "$CTR"
assert_field "$line" container.runtime podman
assert_field "$line" nat.dport 8080
assert_contains "$(jq -r .explanation <<<"$line")" \
	"the client dialled $SRV4:8080 and DNAT in netns $(srv_netns_inode) (/run/netns/$SRV) sent it to $CTR4:80 in container $CTR (podman)"

# Across networks: netavark's isolation drops it; the retry names the rule.
assert_eq "$(connect_from_client $CTR4 80 800)" timeout "first attempt to $CTR4:80"
wait_refusal ".daddr == \"$CTR4\"" 10 >/dev/null || fail "no refusal for $CTR4:80"
text_caught_up
assert_eq "$(connect_from_client $CTR4 80 800)" timeout "retry to $CTR4:80"
line=$(wait_refusal ".daddr == \"$CTR4\" and .rule.status == \"found\"" 10) ||
	fail "the retry did not name netavark's rule: $(tail -n 3 "$OUT")"
assert_field "$line" cause firewall_drop
assert_field "$line" rule.family inet
assert_field "$line" rule.table netavark
assert_field "$line" rule.chain NETAVARK-ISOLATION-2
assert_field "$line" rule.text 'oifname "podman2" drop'
assert_field "$line" rule.owner "podman (netavark)"
assert_field "$line" rule.owner_command "podman ps --all; podman port --all"
assert_field "$line" container.name "$CTR"
assert_contains "$(jq -r '.hints | join("\n")' <<<"$line")" \
	"the SYN was on its way to container $CTR (podman), whose network namespace holds $CTR4"
assert_text "the rule belongs to podman (netavark): podman ps --all; podman port --all"

# Another container with the same address, on a network of its own: no guess.
CTR2=wrt-nvtwin-$$
ON_EXIT+=("podman_srv rm -f -t 0 $CTR2")
podman_srv run -d --name "$CTR2" --network none --ulimit nofile=20000:20000 \
	--ulimit nproc=1000:1000 "$IMAGE" sleep 1000 >"$WORK/podman.log" 2>&1 ||
	fail "podman run $CTR2 failed: $(cat "$WORK/podman.log")"
for ((i = 0; i < 100; i++)); do
	pid2=$(podman_srv inspect -f '{{.State.Pid}}' "$CTR2" 2>/dev/null)
	[ -n "$pid2" ] && [ "$pid2" != 0 ] && break
	sleep 0.1
done
[ -n "$pid2" ] && [ "$pid2" != 0 ] || fail "$CTR2 has no process"
nsenter -t "$pid2" -n ip link add eth0 type veth peer name eth1	# no dummy module here
nsenter -t "$pid2" -n ip addr add $CTR4/24 dev eth0
nsenter -t "$pid2" -n ip link set eth0 up
sleep 1.5	# a namespace poll: the tracer knows the new container's namespace
assert_eq "$(connect_from_client $CTR4 80 800)" timeout "attempt to $CTR4:80 with a twin"
line=$(wait_refusal ".daddr == \"$CTR4\" and .rule.status == \"found\" and .sport != $(jq -r .sport <<<"$line")" 10) ||
	fail "no refusal for $CTR4:80 with a twin: $(tail -n 3 "$OUT")"
case "$line" in *"$CTR2"* | *'"container"'*) fail "a container named for an address two hold: $line" ;; esac
stop_tracer
pass
