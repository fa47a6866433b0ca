#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make vmsystemd: the scenarios under tests/systemd/ in a Debian 12 guest
# with systemd as PID 1 (Debian's own ssh.service, journald, dbus), booted
# under qemu with software emulation (KVM hangs here).
#
#   tools/vm/systemd_guest.sh [TEST...]   default: every tests/systemd/test_*.sh
#   TESTS="test_a test_b"                 the same, as for make integration
#   BUILD=build-x                         where the tool and the helpers are built
#   SYSVM_TIMEOUT=900                     seconds for the whole guest run
#   SYSVM_SCENARIO_TIMEOUT=240            seconds for one scenario in the guest
#   SYSVM_CONSOLE=1                       show the guest's console as it comes
#   SYSVM_CPU=max                         qemu's -cpu (default qemu64,+rdrand: the
#                                         kernel's entropy pool is ready at once, not
#                                         ~7 s into the boot, which random-seed awaits)
#   SYSVM_MIRROR=URL SYSVM_SECURITY=URL   Debian mirrors (default: the host's apt sources)
#
# Sourced, it only defines the functions (sysvm_image builds or finds the
# cached image; sysvm_run boots it once with the given scenarios).
#
# The root: `mmdebstrap --variant=minbase` of Debian 12 with systemd,
# openssh-server and what the tool links against (ldd of $BUILD/whyrefused,
# so a new library rebuilds it), unpacked, adjusted (below) and made into a
# raw ext4 image with `mkfs.ext4 -d`, cached as
# build/vm/systemd/debian12-systemd-HASH.raw: HASH covers the package list,
# the kernel package and this script. Debian 12's 6.1 cloud kernel (NVMe,
# ext4 and the 8250 serial built in, BTF) boots it with no initramfs from the
# first namespace of one NVMe controller, attached with snapshot=on (every run
# starts from the same pristine guest). Namespace 2 is a tar of the tool, the
# helpers and the scenarios; namespace 3 comes back as a tar of the results
# (build/vm/systemd/run/out/). wr-scenarios.service (Type=simple, after
# multi-user.target) unpacks namespace 2 and runs /wr/guest_run.sh
# (tools/vm/systemd_guest_run.sh), which reports on the second serial port
# and powers off with `systemctl poweroff -ff`.

SYSVM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/vm/kernel.sh
source "$SYSVM_ROOT/tools/vm/kernel.sh"
SYSVM=$VM/systemd
SYSVM_SERIES=6.1

# What the guest needs beyond minbase: systemd as PID 1 and the services the
# scenarios stop and break, rsyslog (a unit's last words from its files), the
# tools they drive them with, kmod (the kernel
# asks /sbin/modprobe for veth and the diag modules), and the tool's own
# libraries (sysvm_lib_packages adds what ldd says on top).
SYSVM_PACKAGES="systemd systemd-sysv dbus udev kmod openssh-server iproute2 nftables iptables jq procps
	util-linux libbpf1 libelf1 zlib1g libnftnl11 libmnl0 libnetfilter-conntrack3 libnfnetlink0 libsystemd0
	rsyslog"

# Units a test guest has no use for: serial-getty would fight for ttyS0,
# e2scrub_reap costs 7 s of boot, there is no network, timers must not fire
# in the middle of a scenario.
SYSVM_MASK="serial-getty@ttyS0.service e2scrub_reap.service e2scrub_all.timer systemd-networkd.service
	systemd-networkd.socket systemd-networkd-wait-online.service apt-daily.timer apt-daily-upgrade.timer
	dpkg-db-backup.timer fstrim.timer systemd-timesyncd.service"

sysvm_say() { echo "vmsystemd: $*"; }
sysvm_die() { echo "vmsystemd: $*" >&2; exit 1; }

# The Debian packages holding the shared libraries FILE... need: one dpkg -S
# for all of them, by the path ldd shows and the file it resolves to
# (dpkg reads its whole database per call: a call per library took 100 s
# on a loaded machine, one takes 9).
sysvm_lib_packages() {
	local f lib libs=()
	for f in "$@"; do
		for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true); do
			libs+=("$lib" "$(readlink -f "$lib")")
		done
	done
	[ ${#libs[@]} -gt 0 ] || return 0
	{ dpkg -S "${libs[@]}" 2>/dev/null || true; } | sed 's/: .*//; s/, /\n/g' | sed 's/:.*//' |
		grep -v '^$' | sort -u
}

# "URI SUITE" for each Debian suite in the host's apt sources (one-line and
# deb822 files; the disabled ones are skipped).
sysvm_host_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && awk '$1 == "deb" { u = 2; if ($2 ~ /^\[/) for (u = 2; $u !~ /\]$/; u++); u++;
			print $u, $(u + 1) }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && awk 'function out() { if (types ~ /(^| )deb( |$)/) { n = split(suites, s, " ");
				for (i = 1; i <= n; i++) print uri, s[i] } types = uri = suites = "" }
			/^[ \t]*$/ { out(); next }
			/^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
			END { out() }' "$f"
	done
}

# The mirror arguments for mmdebstrap: bookworm, -updates and -security from
# the mirrors the host's apt uses (the only ones this machine reaches).
sysvm_mirrors() {
	local main=${SYSVM_MIRROR:-} sec=${SYSVM_SECURITY:-}
	[ -n "$main" ] || main=$(sysvm_host_sources | awk '$2 == "bookworm" { print $1; exit }')
	[ -n "$sec" ] || sec=$(sysvm_host_sources | awk '$2 == "bookworm-security" { print $1; exit }')
	[ -n "$main" ] || sysvm_die "no bookworm mirror in /etc/apt/sources.list* (set SYSVM_MIRROR)"
	echo "deb $main bookworm main"
	echo "deb $main bookworm-updates main"
	[ -n "$sec" ] && echo "deb $sec bookworm-security main"
	return 0
}

# sysvm_image: sets SYSVM_IMAGE, building it when no image of this package
# list, kernel and script is cached. Needs KDIR/KVER (fetch_kernel).
sysvm_image() {
	local pkgs hash tmp start
	pkgs=$( (printf '%s\n' $SYSVM_PACKAGES; sysvm_lib_packages "$SYSVM_BIN" "${SYSVM_HELPER_BINS[@]}") |
		sort -u | tr '\n' ' ')
	# The image depends on the packages, the kernel and the code that makes
	# it (not on how it is booted): a change to any of them, a new image.
	hash=$( (echo "$pkgs"; echo "$SYSVM_MASK"; basename "$KDIR"
		declare -f sysvm_image sysvm_customize sysvm_mirrors) | sha256sum | cut -c1-16)
	SYSVM_IMAGE=$SYSVM/debian12-systemd-$hash.raw
	if [ -f "$SYSVM_IMAGE" ]; then
		sysvm_say "image cached: ${SYSVM_IMAGE#"$SYSVM_ROOT"/}"
		return 0
	fi
	start=$(date +%s)
	tmp=$SYSVM/tmp-$hash
	rm -rf "$tmp" && mkdir -p "$tmp"
	sysvm_say "building the Debian 12 image ($pkgs)"
	local mirrors=()
	mapfile -t mirrors < <(sysvm_mirrors)
	# shellcheck disable=SC2046
	mmdebstrap --quiet --variant=minbase --format=tar \
		--include="$(echo $pkgs | tr ' ' ,)" \
		--aptopt='Acquire::Retries "3"' \
		--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
		bookworm "$tmp/root.tar" "${mirrors[@]}" >"$tmp/mmdebstrap.log" 2>&1 ||
		{ tail -n 30 "$tmp/mmdebstrap.log" >&2; sysvm_die "mmdebstrap failed (log: $tmp/mmdebstrap.log)"; }
	sysvm_say "mmdebstrap: $(($(date +%s) - start)) s, $(du -m "$tmp/root.tar" | cut -f1) MB"
	mkdir "$tmp/root"
	tar -C "$tmp/root" --numeric-owner -xpf "$tmp/root.tar"
	rm -f "$tmp/root.tar"
	sysvm_customize "$tmp/root" "$hash"
	local size
	size=$(($(du -sm "$tmp/root" | cut -f1) * 13 / 10 + 256))
	mkfs.ext4 -q -F -L wr-root -d "$tmp/root" "$tmp/image.raw" "${size}M" >"$tmp/mkfs.log" 2>&1 ||
		{ cat "$tmp/mkfs.log" >&2; sysvm_die "mkfs.ext4 -d failed"; }
	rm -f "$SYSVM"/debian12-systemd-*.raw	# older images of other package lists
	mv "$tmp/image.raw" "$SYSVM_IMAGE"
	rm -rf "$tmp"
	sysvm_say "image built in $(($(date +%s) - start)) s: ${SYSVM_IMAGE#"$SYSVM_ROOT"/} (${size} MB)"
}

# sysvm_customize DIR HASH: the root as a test guest boots it.
sysvm_customize() {
	local dir=$1 hash=$2 u
	# The kernel's modules (veth, the diag modules, netfilter's), indexed by
	# the guest's own depmod (the host need not have kmod).
	mkdir -p "$dir/usr/lib/modules"
	cp -a "$KDIR/lib/modules/$KVER" "$dir/usr/lib/modules/"
	chroot "$dir" /sbin/depmod -a "$KVER"
	# A fixed machine id: not every boot a first boot.
	echo "${hash}${hash}" | cut -c1-32 >"$dir/etc/machine-id"
	echo wr-guest >"$dir/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\twr-guest\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$dir/etc/hosts"
	# Mounted rw by the kernel (root=... rw): nothing to check or remount.
	printf '/dev/nvme0n1\t/\text4\trw,errors=remount-ro\t0\t0\n' >"$dir/etc/fstab"
	for u in $SYSVM_MASK; do ln -sf /dev/null "$dir/etc/systemd/system/$u"; done
	# rsyslog (Debian's, stock rules) only where a scenario starts it
	# (test_ssh_syslog.sh: a host whose journal keeps nothing).
	chroot "$dir" systemctl disable -q rsyslog.service
	# Modules udev's coldplug would load for the emulated CPU (kvm for its
	# svm flag, cpufreq): a minute of emulated work under load, no use here.
	# The same for the pc machine's IDE controller (no disk on it).
	printf 'blacklist %s\n' kvm kvm_amd kvm_intel powernow_k8 acpi_cpufreq pcspkr ata_piix ata_generic \
		>"$dir/etc/modprobe.d/wr-guest.conf"
	# The scenario runner: unpacks the host's tar (namespace 2) and runs it.
	cat >"$dir/usr/local/sbin/wr-guest-boot" <<'EOF'
#!/bin/bash
# Unpacks what the host passed in (a tar on the second NVMe namespace) into
# /wr and runs its guest_run.sh; powers off if there is nothing to run.
rm -rf /wr && mkdir -p /wr
if ! tar -xf /dev/nvme0n2 -C /wr || [ ! -x /wr/guest_run.sh ]; then
	echo "WR-ERROR no runnable tar on /dev/nvme0n2" >/dev/ttyS1
	sleep 1
	systemctl poweroff -ff
fi
exec /wr/guest_run.sh
EOF
	chmod 755 "$dir/usr/local/sbin/wr-guest-boot"
	# Type=simple: its start job finishes at once, so `systemctl
	# is-system-running --wait` inside it can see the system settle (a
	# oneshot's start job would keep the system "starting": a deadlock).
	cat >"$dir/etc/systemd/system/wr-scenarios.service" <<'EOF'
[Unit]
Description=whyrefused systemd scenarios (tools/vm/systemd_guest.sh)
After=multi-user.target

[Service]
Type=simple
ExecStart=/usr/local/sbin/wr-guest-boot
StandardOutput=journal
StandardError=journal

[Install]
WantedBy=multi-user.target
EOF
	chroot "$dir" systemctl enable -q wr-scenarios.service
	# The pristine sshd_config, for tests/systemd/lib.sh to restore.
	cp -p "$dir/etc/ssh/sshd_config" "$dir/etc/ssh/sshd_config.wr-orig"
}

# sysvm_inputs DIR TEST...: the tar the guest unpacks into /wr.
sysvm_inputs() {
	local dir=$1 t stage
	shift
	stage=$dir/in
	rm -rf "$stage" && mkdir -p "$stage/tests/systemd"
	cp "$SYSVM_BIN" "$stage/whyrefused"
	cp "${SYSVM_HELPER_BINS[@]}" "$stage/tests/"
	cp "$SYSVM_ROOT"/tests/systemd/*.sh "$stage/tests/systemd/"
	cp "$SYSVM_ROOT/tools/vm/systemd_guest_run.sh" "$stage/guest_run.sh"
	chmod 755 "$stage/guest_run.sh"
	{
		printf 'TESTS=%q\n' "$*"
		printf 'SCENARIO_TIMEOUT=%q\n' "${SYSVM_SCENARIO_TIMEOUT:-240}"
	} >"$stage/config"
	tar -C "$stage" --owner=0 --group=0 -cf "$dir/in.tar" .
}

# sysvm_run TEST...: boots the guest once, runs the scenarios, prints each
# one's ok/FAIL line; returns non-zero if any failed or the guest did not finish.
sysvm_run() {
	local run=$SYSVM/${SYSVM_RUN_NAME:-run} status=0 start qpid n_ok n_fail
	rm -rf "$run" && mkdir -p "$run/out"
	sysvm_inputs "$run" "$@"
	truncate -s 256M "$run/out.img"
	: >"$run/results.log"
	sysvm_say "booting $KVER with systemd (TCG): $*"
	start=$(date +%s)
	timeout --kill-after=10 "${SYSVM_TIMEOUT:-900}" qemu-system-x86_64 -accel "${VM_ACCEL:-tcg}" \
		-smp 2 -m 2048 -cpu "${SYSVM_CPU:-qemu64,+rdrand}" -nodefaults -display none -nic none -no-reboot \
		-serial "file:$run/console.log" -serial "file:$run/results.log" \
		-kernel "$VMLINUZ" \
		-append "console=ttyS0 root=/dev/nvme0n1 rootfstype=ext4 rootwait rw quiet systemd.show_status=1 panic=-1 net.ifnames=0" \
		-device nvme,id=nvme0,serial=wrsysvm \
		-drive "if=none,id=root,format=raw,file=$SYSVM_IMAGE,snapshot=on" \
		-device nvme-ns,drive=root,bus=nvme0,nsid=1 \
		-drive "if=none,id=in,format=raw,file=$run/in.tar" \
		-device nvme-ns,drive=in,bus=nvme0,nsid=2 \
		-drive "if=none,id=out,format=raw,file=$run/out.img" \
		-device nvme-ns,drive=out,bus=nvme0,nsid=3 \
		</dev/null >"$run/qemu.log" 2>&1 &
	qpid=$!
	if [ "${SYSVM_CONSOLE:-0}" = 1 ]; then
		tail --pid=$qpid -s 0.5 -n +1 -F "$run/console.log" 2>/dev/null | tr -d '\r' &
	fi
	# The second serial port as it comes: the runner's lines, each scenario's verdict.
	tail --pid=$qpid -s 0.5 -n +1 -F "$run/results.log" 2>/dev/null | stdbuf -oL tr -d '\r' |
		grep --line-buffered -E '^(ok |FAIL|WR-|  \| )' | sed -u 's/^WR-/vmsystemd: /' || true
	wait $qpid || status=$?
	sysvm_say "guest ran $(($(date +%s) - start)) s; console: ${run#"$SYSVM_ROOT"/}/console.log"
	[ $status -eq 0 ] || { sysvm_say "qemu exited $status ($(tail -n 3 "$run/qemu.log" | tr '\n' ' '))"; }
	tr -d '\r' <"$run/results.log" >"$run/results.txt"
	if tar -C "$run/out" -xf "$run/out.img" 2>/dev/null && [ -n "$(ls -A "$run/out")" ]; then
		sysvm_say "results, facts and the guest's journal: ${run#"$SYSVM_ROOT"/}/out/"
	else
		sysvm_say "no results tar came back"
		status=1
	fi
	grep -q '^WR-DONE' "$run/results.txt" || { sysvm_say "the guest did not finish"; status=1; }
	n_ok=$(grep -c '^ok ' "$run/results.txt" || true)
	n_fail=$(grep -c '^FAIL' "$run/results.txt" || true)
	sysvm_say "$n_ok passed, $n_fail failed of $# scenarios"
	[ "$n_fail" -eq 0 ] && [ "$n_ok" -eq $# ] || status=1
	if [ $status -ne 0 ] && [ "${SYSVM_CONSOLE:-0}" != 1 ]; then
		echo "--- console (last 40 lines):"
		tr -d '\r' <"$run/console.log" | tail -n 40
	fi
	return $status
}

sysvm_main() {
	local tests=() t build_start
	set -euo pipefail
	[ "$(id -u)" -eq 0 ] || sysvm_die "needs root (mmdebstrap, the image's owners, apt)"
	local build=${BUILD:-build}
	case $build in /*) ;; *) build=$SYSVM_ROOT/$build ;; esac
	SYSVM_BIN=$build/whyrefused
	# Side-by-side trees run side by side: each its own run directory
	# (build/vm/systemd/run for build/, run-build-x for BUILD=build-x).
	[ "$(basename "$build")" = build ] || SYSVM_RUN_NAME=run-$(basename "$build")
	[ -x "$SYSVM_BIN" ] || sysvm_die "no ${SYSVM_BIN#"$SYSVM_ROOT"/} (make BUILD=${BUILD:-build})"
	# The test helpers (tests/helpers/*.c) as the build made them.
	SYSVM_HELPER_BINS=()
	for t in "$SYSVM_ROOT"/tests/helpers/*.c; do
		t=$build/tests/$(basename "$t" .c)
		[ -x "$t" ] || sysvm_die "no ${t#"$SYSVM_ROOT"/} (make BUILD=${BUILD:-build} vmsystemd builds it)"
		SYSVM_HELPER_BINS+=("$t")
	done
	local picked=("$@")
	[ ${#picked[@]} -gt 0 ] || read -ra picked <<<"${TESTS:-}"
	for t in "${picked[@]}"; do tests+=("$(basename "$t" .sh)"); done
	if [ ${#tests[@]} -eq 0 ]; then
		for t in "$SYSVM_ROOT"/tests/systemd/test_*.sh; do tests+=("$(basename "$t" .sh)"); done
	fi
	for t in "${tests[@]}"; do
		[ -f "$SYSVM_ROOT/tests/systemd/$t.sh" ] || sysvm_die "no tests/systemd/$t.sh"
	done
	vm_need_packages qemu-system-x86 mmdebstrap e2fsprogs
	mkdir -p "$SYSVM"
	build_start=$(date +%s)
	fetch_kernel "$SYSVM_SERIES"
	sysvm_image
	sysvm_say "image ready after $(($(date +%s) - build_start)) s"
	sysvm_run "${tests[@]}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	sysvm_main "$@"
fi
