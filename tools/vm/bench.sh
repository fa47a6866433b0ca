#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make vmbench: tools/bench/bench.sh inside Debian 12's own kernels (6.1 and
# 6.12) under qemu, where fentry and kprobes work: the default mode on each
# backend against no tracer and against empty programs on the same hooks, in
# the same guest run. Software emulation makes absolute times meaningless;
# the ratios between configurations of one run are what it reports. The
# kernels run one after the other (a second qemu would share the two cores
# and the measurements). A measurement, never a test: it fails only when the
# guest could not run it.
#
#   tools/vm/bench.sh [SERIES...]       default: 6.1 6.12
#   VMBENCH_RULESETS="none nft"         one bench.sh run per server ruleset
#   VMBENCH_CONFIGS, VMBENCH_MEASURES, VMBENCH_ROUNDS, VMBENCH_SECS: bench.sh's
#   BENCH_CONFIGS, BENCH_MEASURES, BENCH_ROUNDS, BENCH_SECS in the guest
# Results: build/vm/bench-SERIES.md (and the whole console beside it).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/tools/vm/kernel.sh"
source "$ROOT/tools/vm/initramfs.sh"
SERIES=${*:-6.1 6.12}
RULESETS=${VMBENCH_RULESETS:-none nft}
# shellcheck disable=SC2116 # one line: the guest's bench.sh reads one
CONFIGS=$(echo ${VMBENCH_CONFIGS:-none empty-fentry wr-fentry empty-kprobe wr-kprobe empty-tracepoint
	wr-tracepoint wr-all-fentry wr-all-kprobe})
MEASURES=${VMBENCH_MEASURES:-accept refuse_paced}
ROUNDS=${VMBENCH_ROUNDS:-3}
SECS=${VMBENCH_SECS:-5}
# What bench.sh runs besides the suite's tools.
BENCH_GUEST_TOOLS="bc getconf join pgrep nproc mount umount"

die() { vm_die "$*"; }
# One TCG thread: a static key or probe patched while another vCPU runs that
# text can oops the guest under multi-threaded TCG (6.12 did, in
# inet_ehashfn at its first connection); slower, the ratios the same.
export VM_ACCEL=${VM_ACCEL:-tcg,thread=single}
[ "$(id -u)" -eq 0 ] || die "needs root (apt, and the guest loads BPF)"

build_initramfs() {
	local t path
	guest_base "$VM/bench-initramfs-$KVER" lean
	for t in $BENCH_GUEST_TOOLS; do copy_with_libs "$(type -P "$t")"; done
	mkdir -p "$IRD/wr/build/bench" "$IRD/wr/tools/bench"
	cp "$ROOT"/tools/bench/{bench.sh,lib.sh} "$IRD/wr/tools/bench/"
	for path in whyrefused bench/loadgen bench/empty_tracer; do
		copy_with_libs "$ROOT/build/$path"
		cp "$ROOT/build/$path" "$IRD/wr/build/$path"
	done
	cp "$ROOT/build/bench/empty.bpf.o" "$IRD/wr/build/bench/"
	{
		guest_init_head	# no trace events switched on: they would tax every configuration
		cat <<INIT
modprobe veth
echo "WR-BENCH-UP \$(uname -r), \$(nproc) vCPUs (TCG)"
cd /wr
for r in $RULESETS; do
	echo "WR-BENCH-BEGIN \$r"
	BENCH_PREBUILT=1 BENCH_RULESET=\$r BENCH_CONFIGS="$CONFIGS" BENCH_MEASURES="$MEASURES" \\
		BENCH_KS_MEASURES="$MEASURES" BENCH_ROUNDS=$ROUNDS BENCH_SECS=$SECS \\
		BENCH_OUT=/tmp/bench bash tools/bench/bench.sh
	echo "WR-BENCH-END \$r \$?"
done
echo WR-VM-DONE
poweroff -f
INIT
	} >"$IRD/init"
	chmod +x "$IRD/init"
	pack_initramfs "$IRD" "$VM/bench-initramfs-$KVER.cpio.gz"
}

vm_need_packages qemu-system-x86 busybox-static cpio
make -s -C "$ROOT" build/whyrefused build/bench/loadgen build/bench/empty.bpf.o \
	build/bench/empty_tracer
mkdir -p "$VM"
status=0
for s in $SERIES; do
	fetch_kernel "$s"
	build_initramfs
	log=$VM/bench-console-$s.log
	out=$VM/bench-$s.md
	vm_say "benchmark on $KVER (TCG): rulesets $RULESETS; $CONFIGS"
	boot_vm "$VM/bench-initramfs-$KVER.cpio.gz" "$log" 3000 '^(WR-|==|   round|bench.sh:)'
	awk '/^WR-BENCH-BEGIN/ { on = 1; print "### ruleset " $2; next }
	     /^WR-BENCH-END/ { on = 0; print ""; next }
	     on && !/^\[ *[0-9.]+\]/' "$log" >"$out"
	if grep -q '^WR-VM-DONE' "$log" && ! grep -q '^WR-BENCH-END [^ ]* [1-9]' "$log"; then
		vm_say "results: ${out#$ROOT/}"
	else
		vm_say "the benchmark did not finish on $KVER: ${log#$ROOT/}"
		status=1
	fi
done
exit $status
