#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make vmtest: the integration suite on a second kernel, Debian 12's own 6.1
# (fentry and kprobes work there, unlike on the development machines), under
# qemu with software emulation (KVM hangs here), once per backend.
#
#   tools/vmtest.sh [BACKEND...]     default: fentry kprobe tracepoint
#   TESTS="test_a test_b"            only these scenarios (as for make integration)
#   VMTEST_KERNEL=linux-image-...    another kernel package (default: newest 6.1 cloud)
#
# The guest boots from an initramfs: busybox, build/whyrefused-static, the
# test helpers, the host's own bash/nft/iptables/ssh/jq... with their shared
# libraries, and the kernel's modules. The console carries the results back;
# the exit status is non-zero if any case failed or the VM did not finish.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VM=$ROOT/build/vm
BACKENDS=${*:-fentry kprobe tracepoint}
VM_TIMEOUT=${VM_TIMEOUT:-2400}	# seconds for the whole guest run

say() { echo "vmtest: $*"; }
die() { echo "vmtest: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (apt, and the guest runs the root suite)"

need_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
		>/dev/null
}

# The kernel package is unpacked under build/vm, not installed: the host's
# /boot and bootloader stay untouched.
fetch_kernel() {
	local pkg=${VMTEST_KERNEL:-} deb
	if [ -z "$pkg" ]; then
		pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' |
			awk '{print $1}' | sort -V | tail -n 1)
		[ -n "$pkg" ] || die "no linux-image-6.1.0-*-cloud-amd64-unsigned in apt (apt-get update?)"
	fi
	if [ ! -d "$VM/kernel/$pkg" ]; then
		say "fetching $pkg"
		rm -rf "$VM/kernel" && mkdir -p "$VM/kernel/$pkg"
		(cd "$VM/kernel" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
			die "apt-get download $pkg failed"
		deb=$(ls "$VM/kernel"/*.deb)
		dpkg-deb -x "$deb" "$VM/kernel/$pkg"
		rm -f "$deb"
	fi
	KDIR=$VM/kernel/$pkg
	KVER=$(ls "$KDIR/lib/modules")
	VMLINUZ=$KDIR/boot/vmlinuz-$KVER
}

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
	pwd readlink chmod touch find awk setpriv taskset jq ip ss nstat nft bpftool ssh ssh-keygen sshd sysctl curl
	iptables ip6tables iptables-save ip6tables-save iptables-nft ip6tables-nft
	iptables-legacy ip6tables-legacy iptables-legacy-save ip6tables-legacy-save
	iptables-nft-save ip6tables-nft-save xtables-nft-multi xtables-legacy-multi rsyslogd"

build_initramfs() {
	local t path
	IRD=$VM/initramfs
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
	cp "$ROOT/build/whyrefused-static" "$IRD/wr/build/whyrefused"
	for path in "$ROOT"/build/tests/*-static; do
		cp "$path" "$IRD/wr/build/tests/$(basename "$path" -static)"
	done
	write_init
	(cd "$IRD" && find . | cpio -o -H newc --quiet | gzip -1) >"$VM/initramfs.cpio.gz"
}

write_init() {
	cat >"$IRD/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
ln -sf /bin/busybox /sbin/modprobe	# the kernel's module autoloader
ln -sf /bin/busybox /sbin/depmod
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
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
hostname wr-vm
depmod
# Everything netfilter, veth and the socket diagnostics the tracer reads.
for m in \$(cd /lib/modules/\$(uname -r)/kernel && ls net/netfilter/*.ko net/ipv4/netfilter/*.ko \\
		net/ipv6/netfilter/*.ko net/bridge/netfilter/*.ko 2>/dev/null | sed 's|.*/||; s|\.ko\$||'); do
	modprobe \$m 2>/dev/null
done
for m in veth inet_diag tcp_diag udp_diag; do modprobe \$m || echo "vmtest: modprobe \$m failed"; done
ip link set lo up
echo "WR-VM-UP \$(uname -r)"
cd /wr
for b in $BACKENDS; do
	echo "WR-BACKEND \$b"
	WR_BACKEND=\$b WR_FACTS_DIR=/tmp/facts/\$b TESTS="${TESTS:-}" bash tests/integration/run.sh
	echo "WR-RESULT \$b \$?"
done
# The same scenario must give the same facts on every backend: compare each
# backend's with the first's (a scenario a backend skipped has no file).
set -- $BACKENDS
ref=\$1
shift
for f in /tmp/facts/\$ref/*; do
	t=\$(basename \$f)
	for b in "\$@"; do
		[ -e /tmp/facts/\$b/\$t ] || { echo "WR-FACTS-SKIPPED \$b \$t"; continue; }
		if diff /tmp/facts/\$ref/\$t /tmp/facts/\$b/\$t >/tmp/facts.diff; then
			echo "WR-FACTS-SAME \$ref \$b \$t"
		else
			echo "WR-FACTS-DIFF \$ref \$b \$t"
			sed 's/^/WR-FACTS-DIFF-LINE /' /tmp/facts.diff
		fi
	done
done
echo WR-VM-DONE
poweroff -f
EOF
	chmod +x "$IRD/init"
}

need_packages qemu-system-x86 busybox-static cpio
fetch_kernel
say "building the static binary"
make -s -C "$ROOT" static >/dev/null
say "initramfs for $KVER"
build_initramfs
say "booting $KVER under qemu (TCG), backends: $BACKENDS"
start=$(date +%s)

timeout --kill-after=10 "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg -smp 2 -m 2048 \
	-nographic -no-reboot -kernel "$VMLINUZ" -initrd "$VM/initramfs.cpio.gz" \
	-append "console=ttyS0 quiet panic=-1 net.ifnames=0" </dev/null \
	| stdbuf -oL tr -d '\r' | tee "$VM/console.log" |
	grep --line-buffered -E '^(ok |FAIL|integration:|failed:|WR-(VM|BACKEND|RESULT|FACTS-DIFF)|vmtest:|--- )' || true

say "guest ran $(($(date +%s) - start)) s; full console in build/vm/console.log"
status=0
grep -q '^WR-VM-DONE' "$VM/console.log" || { say "the VM did not finish"; status=1; }
for b in $BACKENDS; do
	result=$(sed -n "s/^WR-RESULT $b //p" "$VM/console.log")
	summary=$(awk -v b="$b" '$0 == "WR-BACKEND " b {on = 1; next} on && /^integration:/ {print; exit}' \
		"$VM/console.log")
	printf 'vmtest: %-10s %s\n' "$b" "${summary:-no result}"
	[ "$result" = 0 ] || status=1
done
if [ "$(echo $BACKENDS | wc -w)" -gt 1 ]; then
	same=$(grep -c '^WR-FACTS-SAME ' "$VM/console.log" || true)
	differ=$(grep -c '^WR-FACTS-DIFF ' "$VM/console.log" || true)
	say "same facts on every backend: $same scenario pairs agree, $differ differ"
	[ "$differ" -eq 0 ] || status=1
fi
exit $status
