#!/bin/bash
# Debian's docker.io: dockerd with --iptables and the userland proxy in the
# server namespace, its data root elsewhere (--data-root under $WORK, not
# /var/lib/docker), four containers behind published ports:
#   web     -p 8080:80  httpd (serves; DOCKER-USER rules block it)
#   lo      -p 8081:80  sleep (nothing listens: refused in its namespace)
#   stopped -p 8082:80  httpd until `docker stop`
#   gone    -p 8083:80  httpd until `docker rm -f`
# Asserted, text and JSON: a stopped or removed container is named with its
# stop and the commands to look (not "docker-proxy on [::]" or a restart
# count per proxy), no "wrong port?" about other containers' ports and no
# "not published?" about containers that publish, DOCKER-USER REJECT and
# DROP name the container the flow was DNAT'ed to, and a client on the
# host dialling 127.0.0.1:8081 is told docker-proxy accepted and reset it.
# dockerd starts once; every case runs against it. Images: `docker import`
# of a busybox root (nothing can be pulled). DESIGN.md has the recipe.
. "$(dirname "$0")/lib.sh"
for b in /usr/sbin/dockerd /usr/bin/docker /usr/sbin/docker-proxy; do
	[ -x $b ] || fail "$b is missing (make deps installs docker.io)"
done
setup_pair
T0=$SECONDS
DATA=$WORK/docker-data EXEC=$WORK/x SOCK=$WORK/docker.sock
IMAGE=wrt-busybox:$$
mkdir -p "$DATA" "$EXEC"
# Debian's docker CLI (some machines put a newer one first in PATH).
dk() { timeout 30 /usr/bin/docker -H "unix://$SOCK" "$@"; }
# `ip netns exec` gives dockerd a /sys with an empty /sys/fs/cgroup: mount
# the host's hierarchies again in that mount namespace, then dockerd.
cat >"$WORK/dockerd.sh" <<'EOF'
#!/bin/bash
set -e
mount -t tmpfs cgroup_root /sys/fs/cgroup
while read -r _ dir type opts _; do
	case $type in
	cgroup2) mkdir -p "$dir"; mount -t cgroup2 none "$dir" ;;
	cgroup)
		mkdir -p "$dir"
		o=$(tr , '\n' <<<"$opts" | grep -vxE 'rw|ro|relatime|nosuid|nodev|noexec' | paste -sd,)
		mount -t cgroup -o "$o" cgroup "$dir" ;;
	esac
done < <(grep -E '^cgroup2? /sys/fs/cgroup/' /proc/1/mounts)
exec "$@"
EOF
chmod +x "$WORK/dockerd.sh"
ON_EXIT+=("rm -rf '$DATA'" "stop_dockerd")
stop_dockerd() {
	local pid i
	pid=$(cat "$EXEC/dockerd.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
}
ip netns exec "$SRV" "$WORK/dockerd.sh" /usr/sbin/dockerd --data-root "$DATA" --exec-root "$EXEC" \
	-H "unix://$SOCK" --pidfile "$EXEC/dockerd.pid" --bip 203.0.113.1/24 --iptables=true \
	--userland-proxy=true --storage-driver=vfs --exec-opt native.cgroupdriver=cgroupfs \
	--config-file "$WORK/no-daemon.json" >"$WORK/dockerd.log" 2>&1 &
PIDS+=($!)
echo '{}' >"$WORK/no-daemon.json"
for ((i = 0; i < 300; i++)); do
	dk version >/dev/null 2>&1 && break
	sleep 0.1
done
dk version >/dev/null 2>&1 || fail "dockerd did not start: $(tail -5 "$WORK/dockerd.log")"
T_DOCKERD=$((SECONDS - T0))

mkdir -p "$WORK/rootfs/bin"
cp /bin/busybox "$WORK/rootfs/bin/"
for a in sh sleep httpd; do ln -s busybox "$WORK/rootfs/bin/$a"; done
tar -C "$WORK/rootfs" -cf "$WORK/rootfs.tar" .
dk import "$WORK/rootfs.tar" "$IMAGE" >/dev/null || fail "docker import failed"
ON_EXIT+=("dk rm -f web lo stopped gone")
run() {
	local name=$1 port=$2
	shift 2
	dk run -d --name "$name" -p "$port:80" "$IMAGE" "$@" >"$WORK/run-$name.log" 2>&1 ||
		fail "docker run $name failed: $(cat "$WORK/run-$name.log")"
}
run web 8080 httpd -f -p 80 & p1=$!
run lo 8081 sleep 1000 & p2=$!
run stopped 8082 httpd -f -p 80 & p3=$!
run gone 8083 httpd -f -p 80 & p4=$!
wait $p1 $p2 $p3 $p4 || fail "docker run failed"
ip_of() { dk inspect -f '{{.NetworkSettings.IPAddress}}' "$1"; }
web_ip=$(ip_of web) lo_ip=$(ip_of lo)
# The tracer sees the whole host: hints are checked against this scenario's containers.
ns_of() { stat -L -c %i "/proc/$(dk inspect -f '{{.State.Pid}}' "$1")/ns/net"; }
web_ns=$(ns_of web) lo_ns=$(ns_of lo)
echo "netns: web $web_ns ($(dk inspect -f '{{.State.Pid}}' web)), lo $lo_ns" >&2
for p in 8080 8082 8083; do
	for ((i = 0; i < 50; i++)); do
		[ "$(connect_from_client $SRV4 $p)" = connected ] && break
		sleep 0.1
	done
done
T_CONTAINERS=$((SECONDS - T0))
start_tracer

# --- A stopped container: named with its stop, one stop, no other container's port.
dk stop -t 0 stopped >/dev/null
assert_eq "$(connect_from_client $SRV4 8082)" refused "8082 after stopped stopped"
line=$(wait_refusal '.dport == 8082' 10) || fail "no refusal for 8082"
assert_refusal_contract "$line"
assert_field "$line" cause no_listener
assert_field "$line" last_listener.comm docker-proxy
assert_field "$line" last_listener.published_for.name stopped
assert_field "$line" last_listener.published_for.runtime docker
assert_field "$line" last_listener.addr 0.0.0.0
assert_field "$line" last_listener.restarts 1
hint=$(jq -r '.hints[0]' <<<"$line")
[[ $hint =~ "container stopped (docker), which published this port, stopped "(at|by)" " ]] ||
	fail "no stopped container in: $hint"
assert_contains "$hint" "docker ps --all --filter name=stopped; docker logs stopped"
assert_eq "$(jq '[.hints[] | select(test("wrong port"))] | length' <<<"$line")" 0 \
	"wrong-port hints about other containers' ports"
# Each container's port once (its v4 and v6 proxies are one), named by its container.
assert_contains "$(jq -r '.hints | join("\n")' <<<"$line")" "8080 (docker-proxy for container web)"
assert_eq "$(jq '[.hints[] | select(test("8080 \\(docker-proxy"))] | .[0] | [scan("8080 ")] | length' <<<"$line")" 1 \
	"8080 listed once"
assert_text "container stopped (docker), which published this port, stopped "

# --- A removed container: still named, from what its proxy said while it ran.
dk rm -f gone >/dev/null
assert_eq "$(connect_from_client $SRV4 8083)" refused "8083 after gone was removed"
line=$(wait_refusal '.dport == 8083' 10) || fail "no refusal for 8083"
assert_field "$line" last_listener.published_for.name gone
assert_field "$line" last_listener.addr 0.0.0.0
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "docker ps --all --filter name=gone; docker logs gone"
assert_eq "$(jq '[.hints[] | select(test("wrong port"))] | length' <<<"$line")" 0 \
	"wrong-port hints for gone"

# --- A published port nothing listens behind: refused in the container, named.
assert_eq "$(connect_from_client $SRV4 8081)" refused "published 8081"
line=$(wait_json "$OUT" ".event == \"refusal\" and .daddr == \"$lo_ip\" and .saddr == \"$CLI4\"" 10) ||
	fail "no refusal in lo's namespace"
assert_field "$line" container.name lo
assert_field "$line" container.runtime docker
assert_field "$line" client_sees "Connection refused"
# What the client dialled, from conntrack (its entry gone within microseconds: a loaded
# host may miss it, and then the line says less, never something else).
[ "$(jq -r .nat <<<"$line")" = null ] || assert_field "$line" nat.dport 8081
assert_eq "$(jq "[.listeners[]? | select(.relation == \"other_netns\" and .netns == $web_ns)] | length" <<<"$line")" 0 \
	"web (which publishes) told as not published"

# --- Hairpin: a client on the host dials 127.0.0.1:8081, docker-proxy takes it and resets it.
# curl: 56 "Connection reset by peer" or 52 "Empty reply from server", never 7 (refused).
rc=0
srv curl -s -m 5 -o /dev/null http://127.0.0.1:8081/ || rc=$?
[ $rc = 56 ] || [ $rc = 52 ] || fail "curl through docker-proxy exited $rc, not reset (56) or empty (52)"
line=$(wait_json "$OUT" ".event == \"refusal\" and .daddr == \"$lo_ip\" and .saddr != \"$CLI4\"" 10) ||
	fail "no refusal of docker-proxy's connection in lo's namespace"
assert_field "$line" container.name lo
assert_contains "$(jq -r .explanation <<<"$line")" "the connection docker-proxy made for a client of its own"
assert_contains "$(jq -r .client_sees <<<"$line")" "reset or closed by the proxy"
assert_contains "$(jq -r '.hints | join("\n")' <<<"$line")" \
	"on 0.0.0.0:8081, the port published for container lo (docker), accepted the client's connection"
assert_eq "$(jq "[.listeners[]? | select(.relation == \"other_netns\" and .netns == $web_ns)] | length" <<<"$line")" 0 \
	"web (which publishes) told as not published on the hairpin"
assert_field "$line" netns "$lo_ns"
assert_eq "$(jq -c '[.listeners[]? | select(.relation == "forwarded_by") | {port, comm, c: .published_for.name}]' <<<"$line")" \
	'[{"port":8081,"comm":"docker-proxy","c":"lo"}]' "the proxy in listeners[]"
assert_text "accepted the client's connection"

# --- DOCKER-USER REJECT, then DROP, of web's published port: the container is named.
srv iptables -I DOCKER-USER -p tcp -d "$web_ip" --dport 80 -j REJECT --reject-with tcp-reset
# The first SYN is told blocked while its rule is looked for; the retry names the rule.
assert_eq "$(connect_from_client $SRV4 8080)" refused "8080 rejected in DOCKER-USER"
line=$(wait_refusal '.dport == 80' 10) || fail "no refusal for web's port"
assert_field "$line" container.name web
assert_eq "$(connect_from_client $SRV4 8080)" refused "8080 rejected in DOCKER-USER, again"
line=$(wait_refusal '.dport == 80 and .cause == "firewall_reject" and .rule.status == "found"' 10) ||
	fail "no firewall_reject for web"
assert_field "$line" rule.chain DOCKER-USER
assert_field "$line" container.name web
assert_field "$line" container.runtime docker
assert_field "$line" nat.dport 8080
assert_contains "$(jq -r .explanation <<<"$line")" "in container web (docker)"
assert_text "in container web (docker)"
srv iptables -R DOCKER-USER 1 -p tcp -d "$web_ip" --dport 80 -j DROP
assert_eq "$(connect_from_client $SRV4 8080 300)" timeout "8080 dropped in DOCKER-USER"
assert_eq "$(connect_from_client $SRV4 8080 300)" timeout "8080 dropped in DOCKER-USER, again"
line=$(wait_refusal '.dport == 80 and .cause == "firewall_drop" and .rule.status == "found"' 10) ||
	fail "no firewall_drop for web"
assert_field "$line" rule.chain DOCKER-USER
assert_field "$line" container.name web
assert_field "$line" nat.dport 8080
stop_tracer
pass "dockerd up in ${T_DOCKERD}s, containers in $((T_CONTAINERS - T_DOCKERD))s, cases in $((SECONDS - T_CONTAINERS))s"
