#!/bin/bash
# kill -9 gives the tracer no chance to clean up, so nothing may need it:
# its BPF programs, links and maps go with its file descriptors, its nft
# tracing table with its netlink socket. Afterwards none of the BPF objects
# that appeared while it ran is left, and the ruleset is what it was.
. "$(dirname "$0")/lib.sh"
setup_pair
srv_input_table wrk "tcp dport 22 reject with tcp reset"
bpf_ids() { bpftool -j "$1" show 2>/dev/null | jq -c '[.[].id] | sort'; }
# IDs in $2 (a JSON array) and not in $1: what appeared in between.
new_ids() { jq -nc --argjson a "$1" --argjson b "$2" '$b - $a'; }
# IDs of $2 that still exist.
still_there() { jq -nc --argjson now "$(bpf_ids "$1")" --argjson ours "$2" '$ours - ($ours - $now)'; }
progs=$(bpf_ids prog) links=$(bpf_ids link) maps=$(bpf_ids map)
rules=$(srv nft list ruleset)

"$WR" "${BACKEND_OPT[@]}" --json --duration 120 >"$OUT" 2>"$ERR" &
TRACER_PID=$!
wait_json "$OUT" '.event == "start"' 15 >/dev/null || fail "tracer did not start: $(cat "$ERR")"
assert_eq "$(connect_from_client $SRV4 22)" refused "attempt"
wait_refusal '.dport == 22 and .rule.status == "pending retry"' >/dev/null ||
	fail "no refusal (the flow is not traced)"
our_progs=$(new_ids "$progs" "$(bpf_ids prog)")
our_links=$(new_ids "$links" "$(bpf_ids link)")
our_maps=$(new_ids "$maps" "$(bpf_ids map)")
[ "$our_progs" != "[]" ] && [ "$our_links" != "[]" ] && [ "$our_maps" != "[]" ] ||
	fail "no BPF program, link or map appeared while running"
srv nft list tables | grep -c whyrefused_ >/dev/null || fail "no trace table while tracing"

kill -9 "$TRACER_PID"
wait "$TRACER_PID" 2>/dev/null || true
TRACER_PID=
# Freed once the last reference goes (RCU): bounded wait.
for ((i = 0; i < 100; i++)); do
	[ "$(still_there prog "$our_progs")$(still_there link "$our_links")$(still_there map "$our_maps")" = "[][][]" ] && break
	sleep 0.05
done
assert_eq "$(still_there prog "$our_progs")" "[]" "BPF programs left after kill -9"
assert_eq "$(still_there link "$our_links")" "[]" "BPF links left after kill -9"
assert_eq "$(still_there map "$our_maps")" "[]" "BPF maps left after kill -9"
for ((i = 0; i < 40; i++)); do
	srv nft list tables | grep -c whyrefused_ >/dev/null || break
	sleep 0.05
done
assert_eq "$(srv nft list ruleset)" "$rules" "ruleset after kill -9"
pass
