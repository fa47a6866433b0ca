#!/bin/bash
# kill -9 gives the tracer no chance to clean up, so nothing may need it:
# its BPF programs, links and maps go with its file descriptors, its nft
# tracing table with its netlink socket. Afterwards the kernel holds exactly
# the BPF objects it held before, and the ruleset is what it was.
. "$(dirname "$0")/lib.sh"
setup_pair
srv nft -f - <<'NFT'
table inet wrk {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 22 reject with tcp reset
	}
}
NFT
bpf_ids() { bpftool -j "$1" show 2>/dev/null | jq -c '[.[].id] | sort'; }
progs=$(bpf_ids prog) links=$(bpf_ids link) maps=$(bpf_ids map)
rules=$(srv nft list ruleset)

"$WR" --json >"$OUT" 2>"$ERR" &
TRACER_PID=$!
wait_json "$OUT" '.event == "start"' 15 >/dev/null || fail "tracer did not start: $(cat "$ERR")"
assert_eq "$(connect_from_client $SRV4 22)" refused "attempt"
wait_refusal '.dport == 22 and .rule.status == "pending retry"' >/dev/null ||
	fail "no refusal (the flow is not traced)"
[ "$(bpf_ids prog)" != "$progs" ] || fail "no BPF program loaded while running"
srv nft list tables | grep -q whyrefused_ || fail "no trace table while tracing"

kill -9 "$TRACER_PID"
wait "$TRACER_PID" 2>/dev/null || true
TRACER_PID=
# Freed once the last reference goes (RCU): bounded wait.
for ((i = 0; i < 100; i++)); do
	[ "$(bpf_ids prog)" = "$progs" ] && [ "$(bpf_ids link)" = "$links" ] &&
		[ "$(bpf_ids map)" = "$maps" ] && break
	sleep 0.05
done
assert_eq "$(bpf_ids prog)" "$progs" "BPF programs after kill -9"
assert_eq "$(bpf_ids link)" "$links" "BPF links after kill -9"
assert_eq "$(bpf_ids map)" "$maps" "BPF maps after kill -9"
for ((i = 0; i < 40; i++)); do
	srv nft list tables | grep -q whyrefused_ || break
	sleep 0.05
done
assert_eq "$(srv nft list ruleset)" "$rules" "ruleset after kill -9"
pass
