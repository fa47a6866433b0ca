#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# One cell of the kernel matrix: the integration suite on one of Debian 12's
# own kernels (fentry and kprobes work there, unlike on the development
# machines), under qemu with software emulation (KVM hangs here), once per
# backend, in one netfilter module state. tools/vm/matrix.sh (make vmtest)
# chooses the cells.
#
#   tools/vmtest.sh [BACKEND...]     default: fentry kprobe tracepoint
#   VMTEST_SERIES=6.1|6.12           the kernel (default 6.1; tools/vm/kernel.sh)
#   VMTEST_MODULES=loaded|none       loaded: every netfilter module loaded at boot;
#                                    none: each scenario starts with none loaded, and
#                                    its own nft/iptables load them (a real boot)
#   TESTS="test_a test_b"            only these scenarios (as for make integration)
#   KPROBE_TESTS="..."               the kprobe backend runs only these (default: TESTS)
#   TRACEPOINT_TESTS="..."           the tracepoint backend runs only these (default: TESTS)
#
# The guest boots from an initramfs: busybox, build/whyrefused, the static
# test helpers, the host's own bash/nft/iptables/ssh/jq... with their shared
# libraries, and the kernel's modules. The console carries the results and
# each scenario's facts back (build/vm/facts/SERIES-MODULES/BACKEND/TEST);
# the exit status is non-zero if any case failed, the facts of two backends
# differ, or the VM did not finish.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/tools/vm/kernel.sh"
BACKENDS=${*:-fentry kprobe tracepoint}
SERIES=${VMTEST_SERIES:-6.1}
MODULES=${VMTEST_MODULES:-loaded}
CELL=$SERIES-$MODULES
VM_TIMEOUT=${VM_TIMEOUT:-2700}	# seconds for the whole guest run (a `none` cell: ~30 min)

say() { vm_say "$*"; }
die() { vm_die "$*"; }
case $MODULES in loaded | none) ;; *) die "VMTEST_MODULES must be loaded or none" ;; esac

[ "$(id -u)" -eq 0 ] || die "needs root (apt, and the guest runs the root suite)"

# copy_with_libs FILE...: each file, its real path, and the shared libraries it needs.
copy_with_libs() {
	local f lib
	for f in "$@"; do
		mkdir -p "$IRD$(dirname "$f")"
		cp -L "$f" "$IRD$f"
		for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true); do
			[ -e "$IRD$lib" ] && continue
			mkdir -p "$IRD$(dirname "$lib")"
			cp -L "$lib" "$IRD$lib"
		done
	done
}

# What the suite runs, taken from the host (GNU tools: the suite's dialect).
GUEST_TOOLS="bash env cat cp mv rm ln ls mkdir mkfifo mktemp stat sleep timeout kill head tail
	wc sort uniq tr cut sed grep date dirname basename id uname printf true false seq tee
	pwd readlink chmod touch find awk comm setpriv taskset jq ip ss nstat nft bpftool ssh ssh-keygen sshd sysctl curl nsenter
	iptables ip6tables iptables-save ip6tables-save iptables-nft ip6tables-nft
	iptables-legacy ip6tables-legacy iptables-legacy-save ip6tables-legacy-save
	iptables-nft-save ip6tables-nft-save xtables-nft-multi xtables-legacy-multi rsyslogd
	iptables-restore ip6tables-restore iptables-nft-restore ip6tables-nft-restore
	iptables-legacy-restore ip6tables-legacy-restore"

# fail2ban and ufw as Debian installs them: Python, its standard library
# (the C modules with their libraries), their packages and configuration.
# Which rule and whose is userspace, but what the guest kernel's netfilter
# makes of their rulesets is not: they run in the VM as on the host.
copy_python_tools() {
	local py path
	py=$(readlink -f /usr/bin/python3)	# Debian's, what the tools' #! names
	copy_with_libs "$py" "$(type -P fail2ban-server)" "$(type -P fail2ban-client)" "$(type -P ufw)"
	ln -sf "$(basename "$py")" "$IRD/usr/bin/python3"
	mkdir -p "$IRD/usr/lib/python3" "$IRD/etc/default"
	cp -a "/usr/lib/$(basename "$py")" "$IRD/usr/lib/"
	# What only builds, documents or tests Python (half of it: the static libpython).
	rm -rf "$IRD/usr/lib/$(basename "$py")"/{config-*,test,lib2to3,pydoc_data,distutils,ensurepip,idlelib,tkinter}
	for path in "/usr/lib/$(basename "$py")"/lib-dynload/*.so; do copy_with_libs "$path"; done
	mkdir -p "$IRD/usr/lib/python3/dist-packages"
	cp -a /usr/lib/python3/dist-packages/{fail2ban,ufw} "$IRD/usr/lib/python3/dist-packages/"
	cp -a /etc/fail2ban /etc/ufw "$IRD/etc/"
	cp /etc/default/ufw "$IRD/etc/default/"
	mkdir -p "$IRD/usr/lib" && cp -a /usr/lib/ufw "$IRD/usr/lib/"
	[ -d /usr/share/ufw ] && mkdir -p "$IRD/usr/share" && cp -a /usr/share/ufw "$IRD/usr/share/"
	return 0
}

# Debian's podman (conmon, runc, netavark, aardvark-dns), configured for a
# guest whose root is the initramfs: vfs storage (no overlay on rootfs),
# runc without pivot_root (rootfs cannot be pivoted), cgroupfs on cgroup2,
# events in a file (no journald).
copy_podman() {
	local f
	command -v podman >/dev/null || die "podman is missing on the host (make deps)"
	copy_with_libs /usr/bin/podman /usr/bin/conmon "$(type -P runc)" /usr/lib/podman/netavark \
		/usr/lib/podman/aardvark-dns
	for f in /etc/containers/policy.json /etc/containers/registries.conf /usr/share/containers/containers.conf \
		/usr/share/containers/seccomp.json; do
		[ -e "$f" ] && copy_with_libs "$f"
	done
	mkdir -p "$IRD/etc/containers/networks" "$IRD/var/lib/containers" "$IRD/var/tmp"
	printf '[engine]\nno_pivot_root = true\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nruntime = "runc"\n' \
		>"$IRD/etc/containers/containers.conf"
	printf '[storage]\ndriver = "vfs"\nrunroot = "/run/containers/storage"\ngraphroot = "/var/lib/containers/storage"\n' \
		>"$IRD/etc/containers/storage.conf"
	echo "nameserver 127.0.0.1" >"$IRD/etc/resolv.conf"
}

build_initramfs() {
	local t path
	IRD=$VM/initramfs-$CELL
	rm -rf "$IRD"
	mkdir -p "$IRD"/{bin,sbin,dev,proc,sys,run,tmp,root,etc,var/empty,lib/modules}
	cp /bin/busybox "$IRD/bin/busybox"
	for t in $GUEST_TOOLS; do
		path=$(type -P "$t" || true)
		[ -n "$path" ] || die "$t is missing on the host (make deps)"
		copy_with_libs "$path"
	done
	# iptables loads its matches and targets as shared objects.
	for path in /usr/lib/x86_64-linux-gnu/xtables/*.so; do copy_with_libs "$path"; done
	# rsyslogd (the log shipper scenario) loads imfile and imtcp the same way.
	for path in /usr/lib/x86_64-linux-gnu/rsyslog/*.so; do copy_with_libs "$path"; done
	copy_python_tools
	copy_podman
	# The kernel's modules, without the filesystems and drivers a test never needs.
	cp -a "$KDIR/lib/modules/$KVER" "$IRD/lib/modules/"
	rm -rf "$IRD/lib/modules/$KVER/kernel"/{fs,sound,arch} \
		"$IRD/lib/modules/$KVER/kernel/drivers"/{gpu,infiniband,scsi,md,media,usb,hid}
	# Accounts for root, sshd's privilege separation and setpriv's nobody.
	printf 'root:x:0:0:root:/root:/bin/bash\nsshd:x:100:65534::/run/sshd:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		>"$IRD/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$IRD/etc/group"
	echo "hosts: files" >"$IRD/etc/nsswitch.conf"
	echo "127.0.0.1 localhost" >"$IRD/etc/hosts"
	# The project: its tests, the static tracer and helpers under their usual names.
	mkdir -p "$IRD/wr/build/tests" "$IRD/wr/tests"
	cp -a "$ROOT/tests/integration" "$IRD/wr/tests/"
	mkdir -p "$IRD/wr/tools" && cp -a "$ROOT/tools/systemd" "$IRD/wr/tools/"
	cp "$ROOT/tools/vm/unload_netfilter.sh" "$IRD/wr/"
	# The tracer as a package installs it, with its shared libraries (the static
	# one lacks libnetfilter_conntrack: tools/vmsmoke.sh runs that one).
	copy_with_libs "$ROOT/build/whyrefused"
	cp "$ROOT/build/whyrefused" "$IRD/wr/build/whyrefused"
	for path in "$ROOT"/build/tests/*-static; do
		cp "$path" "$IRD/wr/build/tests/$(basename "$path" -static)"
	done
	write_init
	(cd "$IRD" && find . | cpio -o -H newc --quiet | gzip -1) >"$VM/initramfs-$CELL.cpio.gz"
}

write_init() {
	cat >"$IRD/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
ln -sf /bin/busybox /sbin/modprobe	# the kernel's module autoloader
ln -sf /bin/busybox /sbin/depmod
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root WR_VM=1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
mkdir -p /run/netns /run/sshd /dev/pts
ln -sf /proc/self/fd /dev/fd	# bash's <(...)
mount -t devpts devpts /dev/pts
mount -t bpf bpf /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
# The tracepoints the tracer uses, switched on once, now, with recording off:
# each scenario's tracers then attach and detach without patching kernel
# text. Under TCG a vCPU can run stale text while another patches it: CI
# once oopsed on an int3 at sched_process_exit's site in do_exit (real CPUs
# synchronize; the emulator, rarely, did not).
echo 0 >/sys/kernel/tracing/tracing_on
for e in sched/sched_process_exit sched/sched_process_exec signal/signal_generate skb/kfree_skb \\
		skb/consume_skb net/net_dev_queue sock/inet_sock_set_state tcp/tcp_send_reset icmp/icmp_send; do
	echo 1 >/sys/kernel/tracing/events/\$e/enable 2>/dev/null
done
mount -t cgroup2 cgroup2 /sys/fs/cgroup	# podman's containers
# The controllers' static keys (cpuset's and memcg's are in the page
# allocator) switched on once, now, by a cgroup that stays: switching them
# while the suite runs patches kernel text under a running vCPU, and TCG
# then once met a stale int3 in get_page_from_freelist (an oops in podman's
# runc; a real machine's systemd does this at boot too).
echo "+cpuset +cpu +io +memory +pids" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
mkdir -p /sys/fs/cgroup/wr-keys
mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm
hostname wr-vm
depmod
if [ $MODULES = loaded ]; then
	# Everything netfilter, veth and the socket diagnostics the tracer reads.
	# (6.1 ships plain .ko files, 6.12 .ko.xz.)
	for m in \$(cd /lib/modules/\$(uname -r)/kernel && ls net/netfilter/*.ko* net/ipv4/netfilter/*.ko* \\
			net/ipv6/netfilter/*.ko* net/bridge/netfilter/*.ko* 2>/dev/null |
			sed 's|.*/||; s|\.ko.*\$||'); do
		modprobe \$m 2>/dev/null
	done
	for m in veth inet_diag tcp_diag udp_diag; do modprobe \$m || echo "vmtest: modprobe \$m failed"; done
else
	# As on a fresh boot: nothing is loaded until something asks the kernel for it.
	export WR_BEFORE_EACH="bash /wr/unload_netfilter.sh" WR_MODULES_AT_START=none
fi
ip link set lo up
echo "WR-VM-UP \$(uname -r) modules $MODULES: \$(wc -l </proc/modules) loaded"
cd /wr
for b in $BACKENDS; do
	echo "WR-BACKEND \$b"
	t="${TESTS:-}"
	[ \$b = kprobe ] && [ -n "${KPROBE_TESTS:-}" ] && t="${KPROBE_TESTS:-}"
	[ \$b = tracepoint ] && [ -n "${TRACEPOINT_TESTS:-}" ] && t="${TRACEPOINT_TESTS:-}"
	WR_TEXT=0 WR_BACKEND=\$b WR_FACTS_DIR=/tmp/facts/\$b TESTS="\$t" bash tests/integration/run.sh
	echo "WR-RESULT \$b \$?"
	# Facts travel on the console; the host compares them.
	for f in /tmp/facts/\$b/*; do
		[ -e "\$f" ] || continue
		t=\$(basename \$f)
		echo "WR-FACTS \$b \$t"
		sed "s/^/WR-FACT \$b \$t /" "\$f"
	done
done
echo WR-VM-DONE
poweroff -f
EOF
	chmod +x "$IRD/init"
}

vm_need_packages qemu-system-x86 busybox-static cpio
fetch_kernel "$SERIES"
say "building the static binary"
make -s -C "$ROOT" all static >/dev/null
say "initramfs for $KVER"
build_initramfs
say "booting $KVER under qemu (TCG), netfilter modules $MODULES, backends: $BACKENDS"
start=$(date +%s)
LOG=$VM/console-$CELL.log
boot_vm "$VM/initramfs-$CELL.cpio.gz" "$LOG" "$VM_TIMEOUT" \
	'^(ok |FAIL|integration:|failed:|WR-(VM|BACKEND|RESULT|MODULES)|vmtest:|--- )'
say "guest ran $(($(date +%s) - start)) s; full console in ${LOG#$ROOT/}"

# The facts each backend recorded, as files again.
rm -rf "$VM/facts/$CELL"
awk -v dir="$VM/facts/$CELL" '
	$1 == "WR-FACTS" { f = dir "/" $2 "/" $3; system("mkdir -p " dir "/" $2); printf "" > f; close(f) }
	$1 == "WR-FACT" { f = dir "/" $2 "/" $3; line = $0; sub(/^WR-FACT [^ ]+ [^ ]+ /, "", line);
			  print line >> f; close(f) }' "$LOG"

status=0
grep -q '^WR-VM-DONE' "$LOG" || { say "the VM did not finish"; status=1; }
for b in $BACKENDS; do
	result=$(sed -n "s/^WR-RESULT $b //p" "$LOG")
	summary=$(awk -v b="$b" '$0 == "WR-BACKEND " b {on = 1; next} on && /^integration:/ {print; exit}' "$LOG")
	printf 'vmtest: %-6s %-6s %-10s %s\n' "$SERIES" "$MODULES" "$b" "${summary:-no result}"
	[ "$result" = 0 ] || status=1
done
"$ROOT/tools/vm/compare_facts.sh" "$VM/facts/$CELL" || status=1
exit $status
