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
#   WR_OPTS="..."                    options for every tracer (matrix.sh: --all-hooks in `loaded`)
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
source "$ROOT/tools/vm/initramfs.sh"
BACKENDS=${*:-fentry kprobe tracepoint}
SERIES=${VMTEST_SERIES:-6.1}
MODULES=${VMTEST_MODULES:-loaded}
CELL=$SERIES-$MODULES
VM_TIMEOUT=${VM_TIMEOUT:-2700}	# seconds for the whole guest run (a `none` cell: ~30 min)

say() { vm_say "$*"; }
die() { vm_die "$*"; }
case $MODULES in loaded | none) ;; *) die "VMTEST_MODULES must be loaded or none" ;; esac

[ "$(id -u)" -eq 0 ] || die "needs root (apt, and the guest runs the root suite)"

build_initramfs() {
	local path
	IRD=$VM/initramfs-$CELL
	guest_base "$IRD" full
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
	# The BPF-blocker scenarios' programs, which bpf_hold and tc load.
	cp "$ROOT/build/tests/blockers.bpf.o" "$IRD/wr/build/tests/"
	write_init
	pack_initramfs "$IRD" "$VM/initramfs-$CELL.cpio.gz"
}

write_init() {
	cat >"$IRD/init" <<EOF
$(guest_init_head events)
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
	WR_TEXT=0 WR_BACKEND=\$b WR_FACTS_DIR=/tmp/facts/\$b TESTS="\$t" WR_OPTS="${WR_OPTS:-}" \\
		WR_SCENARIO_TIMEOUT=240 bash tests/integration/run.sh
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
# Where the guest's minutes went (run.sh prints a time line per scenario).
say "slowest: $(awk '$1 == "time" {print $3, $2}' "$LOG" | sort -rn | head -n 5 | awk '{printf "%s %ss  ", $2, $1}')"
exit $status
