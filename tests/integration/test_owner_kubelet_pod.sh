#!/bin/bash
# A Kubernetes pod named from what a node holds, without the API server:
# a process in a cgroup2 directory laid out as kubelet's systemd driver lays
# out a Burstable pod's container (kubepods.slice/kubepods-burstable.slice/
# kubepods-burstable-pod<UID>.slice/cri-containerd-<ID>.scope) listens on
# :5000 in a namespace of its own, the pod's, whose log directory
# /var/log/pods/NAMESPACE_NAME_UID/ this test makes (and removes). A client
# refused on the server's :5000 is told of the listener in that pod, and one
# DNAT'ed from the server's :8080 to the pod's :80 (nothing listens there)
# is refused in the pod, named as such, with kubectl and crictl commands;
# one DNAT'ed from :8081 to the pod's :5000 and rejected on its way there
# names the pod too.
. "$(dirname "$0")/lib.sh"
setup_pair
setup_backend
if [ -d /sys/fs/cgroup/unified ]; then CG=/sys/fs/cgroup/unified; else CG=/sys/fs/cgroup; fi
grep -q "^cgroup2 $CG " /proc/mounts || fail "no cgroup2 hierarchy at $CG"
UUID=$(cat /proc/sys/kernel/random/uuid)
CID=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
POD=wrt-web-$$
# mkcg PATH: each missing directory of PATH under $CG, removed on exit.
mkcg() {
	local d=$CG part parts
	IFS=/ read -ra parts <<<"$1"
	for part in "${parts[@]}"; do
		d=$d/$part
		[ -d "$d" ] && continue
		mkdir "$d" || fail "cannot make cgroup $d"
		ON_EXIT+=("rmdir $d")
	done
	CG_DIR=$d
}
mkcg "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UUID//-/_}.slice/cri-containerd-$CID.scope"
pod_cg=$CG_DIR
# kubelet's log directory: /var/log/pods itself only if this test made it.
[ -d /var/log/pods ] || { mkdir /var/log/pods && ON_EXIT+=("rmdir /var/log/pods"); }
LOGDIR=/var/log/pods/default_${POD}_$UUID
mkdir -p "$LOGDIR/web" || fail "cannot make $LOGDIR"
ON_EXIT+=("rm -rf $LOGDIR")
LISTEN_PRE="echo \$\$ >$pod_cg/cgroup.procs" start_listener "$OTHER" 0.0.0.0 5000
POD_PID=$LISTENER_PID
ON_EXIT+=("kill -9 $POD_PID; sleep 0.2")	# before its cgroup goes (ON_EXIT runs backwards)
grep -q "cri-containerd-$CID.scope" /proc/$POD_PID/cgroup || fail "the listener is not in $pod_cg"
srv nft -f - <<NFT
table ip wrt-kubelet-pod {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		tcp dport 8080 dnat to $BACK4:80
		tcp dport 8081 dnat to $BACK4:5000
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip daddr $BACK4 tcp dport 5000 reject with tcp reset
	}
}
NFT
pod_ns=$(stat -L -c %i "/run/netns/$OTHER")
label="pod default/$POD (kubernetes)"
look="kubectl -n default describe pod $POD; crictl ps --label io.kubernetes.pod.uid=$UUID"
start_tracer

# The listener in the pod, told in the pod's words.
assert_eq "$(connect_from_client $SRV4 5000)" refused "client outcome on 5000"
line=$(wait_refusal '.dport == 5000') || fail "no refusal on 5000"
assert_field "$line" cause no_listener
assert_contains "$(jq -r '.hints[]' <<<"$line")" \
	"tcp_listen (pid $POD_PID) on 0.0.0.0:5000 in another network namespace, $label, netns $pod_ns"
assert_contains "$(jq -r '.hints[]' <<<"$line")" "$label: $look"
assert_text "in another network namespace, $label, netns $pod_ns"

# DNAT to the pod's :80: refused in the pod, the pod named.
assert_eq "$(connect_from_client $SRV4 8080)" refused "client outcome on 8080"
line=$(wait_json "$OUT" ".event == \"refusal\" and .netns == $pod_ns and .dport == 80" 5) ||
	fail "no refusal in the pod's namespace"
assert_field "$line" cause no_listener
assert_field "$line" container.runtime containerd
assert_field "$line" container.id "$CID"
assert_field "$line" container.pod.namespace default
assert_field "$line" container.pod.name "$POD"
assert_field "$line" container.pod.uid "$UUID"
assert_contains "$(jq -r '.hints[]' <<<"$line")" "$label: $look"
# A refused SYN's DNAT is read from conntrack's destroy events, watched in
# at most 256 namespaces (nat_lookup.c, the first found): on a host with more
# (a namespace pool of another run) this one may not be watched.
told="the client dialled $SRV4:8080 and DNAT in netns $(srv_netns_inode) (/run/netns/$SRV) sent it to $BACK4:80 in $label, netns $pod_ns"
if [ "$(ls /run/netns | wc -l)" -le 200 ]; then
	# Read late on a loaded machine: up to three attempts, one must tell it.
	for ((i = 2; i <= 3; i++)); do
		[ "$(jq -r .nat.dport <<<"$line")" = 8080 ] && break
		assert_eq "$(connect_from_client $SRV4 8080)" refused "client outcome on 8080, attempt $i"
		line=$(wait_json "$OUT" ".event == \"refusal\" and .netns == $pod_ns and .nat.dport == 8080" 5) ||
			line=null
	done
	assert_contains "$(jq -r .explanation <<<"$line")" "$told"
else
	echo "# $(ls /run/netns | wc -l) namespaces in /run/netns: the DNAT of a refused SYN not asserted"
fi
assert_text "$label: $look"

# DNAT to the pod's :5000, rejected on the way (forward): the pod is named
# by the address its namespace holds.
assert_eq "$(connect_from_client $SRV4 8081)" refused "client outcome on 8081"
line=$(wait_refusal '.daddr == "'$BACK4'" and .dport == 5000') || fail "no refusal for 8081"
assert_field "$line" container.pod.name "$POD"
assert_field "$line" nat.dport 8081
assert_contains "$(jq -r .explanation <<<"$line")" \
	"the client dialled $SRV4:8081 and DNAT in this network namespace sent it to $BACK4:5000 in $label"
stop_tracer

# A directory name the API server would never allow names nothing.
mv "$LOGDIR" "/var/log/pods/default_Web_$UUID"
ON_EXIT+=("rm -rf /var/log/pods/default_Web_$UUID")
WR_TEXT=0 start_tracer
assert_eq "$(connect_from_client $SRV4 5000)" refused "client outcome on 5000, hostile directory"
line=$(wait_refusal '.dport == 5000') || fail "no refusal on 5000 (hostile directory)"
assert_contains "$(jq -r '.hints[]' <<<"$line")" "pod $UUID (kubernetes): crictl ps --label io.kubernetes.pod.uid=$UUID"
case $line in *Web*) fail "a name kubelet never writes was read: $line" ;; esac
stop_tracer
pass
