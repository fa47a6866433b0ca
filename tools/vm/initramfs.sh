# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
# Sourced by tools/vmtest.sh and tools/vm/bench.sh: a guest's root, built
# from the host's own binaries and a Debian kernel's modules (KDIR and KVER
# from kernel.sh's fetch_kernel).
#
#   guest_base DIR full|lean     busybox, GUEST_TOOLS with their libraries, the
#                                modules, accounts; full adds rsyslogd, Python
#                                with fail2ban and ufw, and podman
#   guest_init_head [events]     the init script's start: mounts, cgroups, depmod
#                                (events: switch the tracer's trace events on)
#   pack_initramfs DIR OUT       DIR as a gzipped cpio archive
#   copy_with_libs FILE...       each file and the shared libraries it needs, into $IRD

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

# guest_base DIR full|lean: the root every guest shares (sets IRD=DIR).
guest_base() {
	local t path
	IRD=$1
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
	if [ "$2" = full ]; then
		# rsyslogd (the log shipper scenario) loads imfile and imtcp the same way.
		for path in /usr/lib/x86_64-linux-gnu/rsyslog/*.so; do copy_with_libs "$path"; done
		copy_python_tools
		copy_podman
	fi
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
}

guest_init_head() {
	cat <<'INIT'
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
INIT
	[ "${1:-}" = events ] && cat <<'INIT'
# The tracepoints the tracer uses, switched on once, now, with recording off:
# each scenario's tracers then attach and detach without patching kernel
# text. Under TCG a vCPU can run stale text while another patches it: CI
# once oopsed on an int3 at sched_process_exit's site in do_exit (real CPUs
# synchronize; the emulator, rarely, did not).
echo 0 >/sys/kernel/tracing/tracing_on
for e in sched/sched_process_exit sched/sched_process_exec signal/signal_generate skb/kfree_skb \
		skb/consume_skb net/net_dev_queue sock/inet_sock_set_state tcp/tcp_send_reset icmp/icmp_send; do
	echo 1 >/sys/kernel/tracing/events/$e/enable 2>/dev/null
done
INIT
	cat <<'INIT'
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
INIT
}

pack_initramfs() {
	(cd "$1" && find . | cpio -o -H newc --quiet | gzip -1) >"$2"
}
