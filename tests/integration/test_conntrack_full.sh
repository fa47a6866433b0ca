#!/bin/bash
# A SYN dropped because conntrack's table is full: the kernel logs
# "nf_conntrack: table full, dropping packet", nf_conntrack_in() answers
# NF_DROP and the SYN is freed with NETFILTER_DROP as for a rule, but no
# rule did it. whyrefused says so (other_drop CONNTRACK_FULL), with the
# table's size, conntrack's counters and the commands to look further, never
# as a firewall rule; the sysctl its hint names lets the next SYN through.
# net.netfilter.nf_conntrack_max is the host's (read-only in other
# namespaces, 6.1 to 6.18): this runs in the VMs (tools/vm), not on a host.
. "$(dirname "$0")/lib.sh"
if [ -z "${WR_VM:-}" ]; then
	pass "skipped: nf_conntrack_max is host-wide; tools/vmtest.sh runs this in a guest"
	exit 0
fi
MAX=8
setup_pair
# conntrack tracks the server namespace once a rule there needs it.
srv_input_table wr_ct_full "ct state established,related accept"
old_max=$(sysctl -n net.netfilter.nf_conntrack_max)
ON_EXIT+=("sysctl -qw net.netfilter.nf_conntrack_max=$old_max")
sysctl -qw net.netfilter.nf_conntrack_max=$MAX
start_listener "$SRV" 0.0.0.0 8080
start_listener "$SRV" 0.0.0.0 9000 128 noaccept
# Established connections fill the table: assured entries, which early_drop
# never evicts for a new one.
fifo=$WORK/held
mkfifo "$fifo"
ip netns exec "$CLI" python3 -c '
import socket, sys, time
held = []
while True:
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("'$SRV4'", 9000))
    except OSError:
        break
    held.append(s)
    if len(held) > 64:
        break
print(len(held), flush=True)
time.sleep(300)' >"$fifo" &
PIDS+=($!)
read -r -t 60 held <"$fifo" || fail "the connections that fill the table were not made"
assert_eq "$held" $MAX "connections the table holds"
assert_eq "$(srv cat /proc/sys/net/netfilter/nf_conntrack_count)" $MAX "entries in the table"

start_tracer
assert_eq "$(connect_from_client $SRV4 8080 2500)" timeout "client outcome with the table full"
line=$(wait_refusal '.dport == 8080' 10) || fail "no refusal for the SYN conntrack dropped"
jq -e --argjson max $MAX '
	.cause == "other_drop" and .reason == "CONNTRACK_FULL" and
	.client_sees == "Connection timed out" and (.rule == null) and
	.conntrack.dropped and
	.conntrack.count == $max and .conntrack.max == $max and
	(.explanation | test("conntrack.s table is full \\(8 entries, net.netfilter.nf_conntrack_max = 8\\)")) and
	(.explanation | test("firewall rule dropped") | not) and
	any(.hints[]; test("conntrack -S")) and
	any(.hints[]; test("sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max"))' \
	<<<"$line" >/dev/null || fail "the full table is not told: $line"
assert_eq "$(count_refusals '.cause | startswith("firewall")')" 0 "refusals told as a rule"
# Every drop is counted (the SYNs of the connection that found the table full too).
wait_json "$OUT" '.event == "refusal" and .conntrack.since_start and .conntrack.drop >= 1' 5 \
	>/dev/null || fail "the first look does not count conntrack's drops"
assert_text "conntrack's table is full"
record_facts

# The hint's remedy: a larger table takes the next SYN.
sysctl -qw net.netfilter.nf_conntrack_max=65536
assert_eq "$(connect_from_client $SRV4 8080)" connected "client outcome with a larger table"
pass
