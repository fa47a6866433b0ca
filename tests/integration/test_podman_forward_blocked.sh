#!/bin/bash
# Debian's podman (netavark, iptables-nft DNAT) publishes a container's :80
# and :81 (-p 8080:80 -p 8081:81) in the server namespace; the admin's own
# FORWARD rules then reject (tcp reset) the forwarded SYN to :80 and drop
# the one to :81. Each refusal is in the server namespace, blocked before it
# left, and names the container the DNAT sent it to (found by the address
# its namespace holds: netavark keeps its addresses in a database of its
# own), with what the client dialled and the rule that blocked it.
. "$(dirname "$0")/lib.sh"
command -v podman >/dev/null || fail "podman is not installed (make deps)"
setup_pair
IMAGE=localhost/whyrefused-test-busybox:$$ NET=wrt-fwdnet-$$ WEB=wrt-fwdweb-$$
podman_srv() {
	nsenter --net="/run/netns/$SRV" podman --cgroup-manager=cgroupfs --runtime runc "$@"
}
mkdir -p "$WORK/rootfs/bin"
cp /bin/busybox "$WORK/rootfs/bin/"
for a in sh sleep httpd; do ln -s busybox "$WORK/rootfs/bin/$a"; done
tar -C "$WORK/rootfs" -cf "$WORK/rootfs.tar" .
ON_EXIT+=("podman rmi -f $IMAGE")
podman import "$WORK/rootfs.tar" "$IMAGE" >"$WORK/podman.log" 2>&1 ||
	fail "podman import failed: $(cat "$WORK/podman.log")"
ON_EXIT+=("podman_srv network rm -f $NET")
podman_srv network create --subnet 203.0.113.0/24 "$NET" >/dev/null || fail "podman network create failed"
ON_EXIT+=("podman_srv rm -f -t 0 $WEB")
podman_srv run -d --name "$WEB" --network "$NET" -p 8080:80 -p 8081:81 \
	--ulimit nofile=20000:20000 --ulimit nproc=1000:1000 "$IMAGE" httpd -f -p 80 \
	>"$WORK/podman.log" 2>&1 || fail "podman run $WEB failed: $(cat "$WORK/podman.log")"
for ((i = 0; i < 100; i++)); do
	[ "$(podman_srv inspect -f '{{.State.Running}}' "$WEB" 2>/dev/null)" = true ] && break
	sleep 0.1
done
web_ip=$(podman_srv inspect -f '{{(index .NetworkSettings.Networks "'"$NET"'").IPAddress}}' "$WEB")
[ -n "$web_ip" ] || fail "no address for $WEB"
assert_eq "$(connect_from_client $SRV4 8080)" connected "8080 before the FORWARD rules"
srv iptables -I FORWARD -d "$web_ip" -p tcp --dport 80 -j REJECT --reject-with tcp-reset
srv iptables -I FORWARD -d "$web_ip" -p tcp --dport 81 -j DROP
start_tracer

told="the client dialled $SRV4:8080 and DNAT in this network namespace sent it to $web_ip:80 in container $WEB (podman)"
assert_eq "$(connect_from_client $SRV4 8080)" refused "8080 rejected in FORWARD"
line=$(wait_refusal '.daddr == "'$web_ip'" and .dport == 80') || fail "no refusal for 8080"
assert_refusal_contract "$line"
assert_answer "$line" firewall_reject tcp-reset || true	# the default mode: see lib.sh
assert_field "$line" container.name "$WEB"
assert_field "$line" container.runtime podman
assert_field "$line" nat.dport 8080
assert_contains "$(jq -r .explanation <<<"$line")" "$told"
assert_text "$told"
# The retry names the admin's rule.
assert_eq "$(connect_from_client $SRV4 8080)" refused "8080 retry"
line=$(wait_refusal '.dport == 80 and .rule.status == "found"' 20) || fail "the retry did not name the rule"
assert_field "$line" cause firewall_reject
assert_field "$line" rule.chain FORWARD
assert_field "$line" container.name "$WEB"

told="the client dialled $SRV4:8081 and DNAT in this network namespace sent it to $web_ip:81 in container $WEB (podman)"
connect_from_client $SRV4 8081 >/dev/null
line=$(wait_refusal '.daddr == "'$web_ip'" and .dport == 81' 10) || fail "no refusal for 8081"
assert_field "$line" container.name "$WEB"
assert_contains "$(jq -r .explanation <<<"$line")" "$told"
stop_tracer
pass
