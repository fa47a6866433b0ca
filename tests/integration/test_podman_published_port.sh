#!/bin/bash
# Debian's podman (netavark, iptables-nft DNAT) in the server namespace, two
# containers behind published ports of one network: "web" (-p 8080:80)
# listens on nothing, "lo" (-p 8081:80) runs httpd on 127.0.0.1:80 only.
# A third, "stopped" (-p 8082:80), serves until podman stops it: then the
# refusal on 8082 says that container stopped (conmon held its port).
# Each refusal is reported once, in the container's namespace, named by the
# container's name, with the address the client dialled and the namespace
# whose DNAT sent it there; the forwarding namespace reports nothing, and
# neither container is blamed for the other's port. The image is busybox
# (podman import: nothing can be pulled); podman runs as DESIGN.md says it
# must here (runc, cgroupfs, nsenter --net).
. "$(dirname "$0")/lib.sh"
if ! command -v podman >/dev/null; then
	fail "podman is not installed (make deps)"
fi
setup_pair
IMAGE=localhost/whyrefused-test-busybox:$$ NET=wrt-net-$$ WEB=wrt-web-$$ LO=wrt-lo-$$
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
run() {
	local name=$1 port=$2
	shift 2
	ON_EXIT+=("podman_srv rm -f -t 0 $name")
	podman_srv run -d --name "$name" --network "$NET" -p "$port:80" \
		--ulimit nofile=20000:20000 --ulimit nproc=1000:1000 "$IMAGE" "$@" \
		>"$WORK/podman.log" 2>&1 || fail "podman run $name failed: $(cat "$WORK/podman.log")"
}
run "$WEB" 8080 sleep 1000
run "$LO" 8081 httpd -f -p 127.0.0.1:80
STOPPED=wrt-stopped-$$
run "$STOPPED" 8082 httpd -f -p 80
for ((i = 0; i < 100; i++)); do
	[ "$(podman_srv inspect -f '{{.State.Running}}' "$WEB" "$LO" 2>/dev/null | sort -u)" = true ] && break
	sleep 0.1
done
web_ip=$(podman_srv inspect -f '{{(index .NetworkSettings.Networks "'"$NET"'").IPAddress}}' "$WEB")
lo_ip=$(podman_srv inspect -f '{{(index .NetworkSettings.Networks "'"$NET"'").IPAddress}}' "$LO")
start_tracer
assert_eq "$(connect_from_client $SRV4 8082)" connected "8082 before $STOPPED stops"
podman_srv stop -t 1 "$STOPPED" >/dev/null
assert_eq "$(connect_from_client $SRV4 8082)" refused "8082 after $STOPPED stopped"
line=$(wait_refusal '.dport == 8082') || fail "no refusal for 8082"
assert_field "$line" cause no_listener
assert_field "$line" netns "$(srv_netns_inode)"
assert_field "$line" last_listener.comm conmon
assert_field "$line" last_listener.port 8082
assert_field "$line" last_listener.published_for.name "$STOPPED"
assert_field "$line" last_listener.published_for.runtime podman
# "at" its end or the close seen as it happened; "by" the poll that found it
# gone where conmon's end is not known yet (it exits after closing the port).
[[ "$(jq -r '.hints[0]' <<<"$line")" =~ "container $STOPPED (podman), which published this port, stopped "(at|by)" " ]] ||
	fail "no stopped container in: $(jq -r '.hints[0]' <<<"$line")"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "podman logs $STOPPED"
# The running containers' ports are theirs, not "a wrong port" of a process.
assert_contains "$(jq -r '.hints | join("\n")' <<<"$line")" "(conmon for container "
assert_eq "$(jq '[.hints[] | select(test("wrong port"))] | length' <<<"$line")" 0 "wrong-port hints"
assert_text "container $STOPPED (podman), which published this port, stopped "

assert_eq "$(connect_from_client $SRV4 8080)" refused "connect to the published 8080"
line=$(wait_json "$OUT" ".event == \"refusal\" and .daddr == \"$web_ip\"" 10) ||
	fail "no refusal in $WEB's namespace"
assert_refusal_contract "$line"
assert_field "$line" cause no_listener
assert_field "$line" dport 80
assert_field "$line" container.name "$WEB"
assert_field "$line" container.runtime podman
assert_field "$line" nat.daddr $SRV4
assert_field "$line" nat.dport 8080
assert_field "$line" nat.netns "$(srv_netns_inode)"
assert_field "$line" nat.to_daddr "$web_ip"
assert_contains "$(jq -r .explanation <<<"$line")" \
	"the client dialled $SRV4:8080 and DNAT in netns $(srv_netns_inode) (/run/netns/$SRV) sent it to $web_ip:80 in container $WEB (podman)"
[ "$(jq '[.listeners[]? | select(.relation == "other_netns")] | length' <<<"$line")" = 0 ] ||
	fail "$LO's httpd was blamed for $WEB's port: $line"
assert_text "the client dialled $SRV4:8080 and DNAT in netns"

assert_eq "$(connect_from_client $SRV4 8081)" refused "connect to the published 8081"
line=$(wait_json "$OUT" ".event == \"refusal\" and .daddr == \"$lo_ip\"" 10) ||
	fail "no refusal in $LO's namespace"
assert_field "$line" container.name "$LO"
assert_field "$line" nat.dport 8081
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "httpd (pid"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "on 127.0.0.1:80 only, not on $lo_ip"
sleep 1
assert_eq "$(count_refusals '.dport != 8082')" 0 "refusals reported in the forwarding namespace"
# In all of this scenario's namespaces (the tracer sees the whole host).
ns_of() { stat -L -c %i "$(podman_srv inspect -f '{{.NetworkSettings.SandboxKey}}' "$1")"; }
mine="[$(srv_netns_inode), $(ns_of "$WEB"), $(ns_of "$LO")]"
assert_eq "$(jq -c "select(.event == \"refusal\" and (.netns | IN($mine[])))" "$OUT" | wc -l)" 3 \
	"refusals in all"
stop_tracer
pass
