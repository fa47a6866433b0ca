# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Sourced by tools/vmtest.sh and tools/vmsmoke.sh: Debian 12's own kernels,
# unpacked under build/vm/kernel (never installed into /boot), and qemu.
#
#   fetch_kernel SERIES    SERIES is 6.1 or 6.12 (or VMTEST_KERNEL_<6_1|6_12>=pkg);
#                          sets KDIR, KVER, VMLINUZ
#   boot_vm INITRAMFS LOG  boots it under TCG, console to LOG (and stdout, filtered)

VM=${VM:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/vm}

vm_say() { echo "vmtest: $*"; }
vm_die() { echo "vmtest: $*" >&2; exit 1; }

vm_need_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	vm_say "installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
		>/dev/null
}

# The newest -cloud-amd64-unsigned image of a series in apt: 6.1 is Debian 12's
# own kernel, 6.12 the newer one Debian 12 also ships (linux-6.12, bookworm-security).
kernel_package() {
	local series=$1 var=VMTEST_KERNEL_${1//./_} re
	if [ -n "${!var:-}" ]; then echo "${!var}"; return; fi
	case $series in
	6.1) re='^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' ;;
	6.12) re='^linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64-unsigned$' ;;
	*) vm_die "unknown kernel series '$series' (6.1 or 6.12)" ;;
	esac
	apt-cache search --names-only "$re" | awk '{print $1}' | sort -V | tail -n 1
}

fetch_kernel() {
	local pkg deb
	pkg=$(kernel_package "$1")
	[ -n "$pkg" ] || vm_die "no $1 cloud kernel in apt (apt-get update?)"
	if [ ! -d "$VM/kernel/$pkg" ]; then
		vm_say "fetching $pkg"
		rm -rf "$VM/kernel/dl-$pkg" && mkdir -p "$VM/kernel/dl-$pkg"
		(cd "$VM/kernel/dl-$pkg" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
			vm_die "apt-get download $pkg failed"
		deb=$(ls "$VM/kernel/dl-$pkg"/*.deb)
		mkdir -p "$VM/kernel/$pkg.tmp"
		dpkg-deb -x "$deb" "$VM/kernel/$pkg.tmp"
		mv "$VM/kernel/$pkg.tmp" "$VM/kernel/$pkg"
		rm -rf "$VM/kernel/dl-$pkg"
	fi
	KDIR=$VM/kernel/$pkg
	KVER=$(ls "$KDIR/lib/modules")
	VMLINUZ=$KDIR/boot/vmlinuz-$KVER
}

# boot_vm INITRAMFS LOG TIMEOUT FILTER: the console goes to LOG; lines matching
# the extended regex FILTER are shown as they come. VM_ACCEL=tcg,thread=single
# avoids multi-threaded TCG's rare stale-text oops, at ~30% more guest time
# (252 s vs 196 s for five scenarios on 6.12): too slow for CI's lanes.
boot_vm() {
	local initrd=$1 log=$2 secs=$3 filter=$4
	timeout --kill-after=10 "$secs" qemu-system-x86_64 -accel "${VM_ACCEL:-tcg}" -smp 2 -m 2048 \
		-nographic -no-reboot -kernel "$VMLINUZ" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 net.ifnames=0" </dev/null |
		stdbuf -oL tr -d '\r' | tee "$log" | grep --line-buffered -E "$filter" || true
}
