#!/bin/bash
# CO-RE relocates against a small BTF at start (core_btf.c: the kernel's
# types our programs name, not all of them), and the programs the kernel
# runs must come out the same as against the whole vmlinux BTF, which
# --btf /sys/kernel/btf/vmlinux makes libbpf read: every loaded program's
# translated instructions, map ids aside, in the default mode and with
# --all-hooks. --btf is that reference only on a kernel without module BTF:
# with it libbpf searches no module, where the default does when a type is
# not in vmlinux (Debian's modular nf_tables: there the small BTF is not
# used either, and the 6.1 guest showed the two differ by design).
. "$(dirname "$0")/lib.sh"
setup_pair
BTF=/sys/kernel/btf/vmlinux
[ -r "$BTF" ] || { pass "skipped: no $BTF"; exit 0; }
if ls /sys/kernel/btf | grep -qvx vmlinux; then
	pass "skipped: this kernel has module BTF, which --btf leaves out"
	exit 0
fi

# dump DIR [OPTION...]: the programs of a tracer started with OPTIONs, one file each.
dump() {
	local dir=$WORK/$1 id name pid n
	shift
	mkdir -p "$dir"
	# Long enough for a dump of each program under emulation (the VMs).
	"$WR" "${BACKEND_OPT[@]}" --json --duration 900 --netns "$SRV" "$@" >"$OUT" 2>"$ERR" &
	TRACER_PID=$!
	pid=$TRACER_PID
	wait_json "$OUT" '.event == "start"' 15 >/dev/null || fail "tracer did not start: $(cat "$ERR")"
	n=0
	for id in $(cat /proc/"$pid"/fdinfo/* 2>/dev/null | awk '/^prog_id:/ { print $2 }' | sort -u); do
		bpftool prog dump xlated id "$id" | sed -E 's/map\[id:[0-9]+\]/map[id]/g' \
			>"$dir/prog"
		# Its first line is its signature: "int NAME(...):".
		name=$(sed -nE '1s/^[a-z_ ]*[ *]([A-Za-z0-9_]+)\(.*/\1/p' "$dir/prog")
		mv "$dir/prog" "$dir/${name:-unnamed-$id}"
		n=$((n + 1))
	done
	stop_tracer
	[ "$n" -gt 3 ] || fail "only $n programs found loaded by $*"
}

for mode in default all-hooks; do
	opts=()
	[ "$mode" = all-hooks ] && opts=(--all-hooks)
	dump "$mode-small" "${opts[@]}"
	dump "$mode-whole" "${opts[@]}" --btf "$BTF"
	diff -r "$WORK/$mode-small" "$WORK/$mode-whole" >"$WORK/diff" ||
		fail "$mode: programs differ with the whole BTF: $(head -20 "$WORK/diff")"
	count=$(ls "$WORK/$mode-small" | wc -l)
	pass "$mode: $count programs, the same instructions either way"
done
