#!/bin/bash
# A SYN conntrack calls invalid, dropped by a hardened ruleset's
# `ct state invalid drop`: told as conntrack's verdict (the SYN fits no
# state it knows), not as a rule about this client or port, with the
# invalid counter and how to log why. A client's connect() sends no invalid
# SYN (docs/blockers.md); a scanner's SYN|FIN is one (nf_conntrack_proto_tcp:
# "invalid tcp flag combination"), sent here from a raw socket, then from
# other ports: a retry's rule the default mode names.
. "$(dirname "$0")/lib.sh"
setup_pair
srv_input_table wr_ct_invalid "ct state invalid counter drop"
start_listener "$SRV" 0.0.0.0 8080
start_tracer

# A client's SYN is no invalid packet: accepted.
assert_eq "$(connect_from_client $SRV4 8080)" connected "client outcome of a plain connect"
syn_fin() {
	ip netns exec "$CLI" python3 -c '
import socket, struct
src, dst, sport, dport = "'$CLI4'", "'$SRV4'", '$1', 8080
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
hdr = struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, 0x03, 64240, 0, 0)
pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(hdr))
hdr = hdr[:16] + struct.pack("!H", csum(pseudo + hdr)) + hdr[18:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
s.sendto(hdr, (dst, 0))'
}
syn_fin 40400
wait_refusal '.dport == 8080 and .sport == 40400' 10 >/dev/null || fail "no refusal for the SYN|FIN"
# The scanner tries again from other ports (a port's own resends are folded
# into its first): one of them is told with its rule (bounded).
line=
for sport in 40401 40402 40403; do
	syn_fin $sport
	line=$(wait_refusal ".sport == $sport and .rule.status == \"found\"" 3) && break
done
[ -n "$line" ] || fail "the retry's rule was not named: $(jq -c 'select(.event == "refusal")' "$OUT")"
jq -e '(.cause | startswith("firewall")) and (.rule.text | test("ct state invalid")) and
	(.explanation | test("conntrack called the SYN invalid")) and
	.conntrack.invalid >= 1 and
	any(.hints[]; test("conntrack -S \\(invalid\\)")) and
	any(.hints[]; test("nf_conntrack_log_invalid=6"))' <<<"$line" >/dev/null ||
	fail "the invalid SYN is not told as conntrack's: $line"
assert_text "conntrack called the SYN invalid"
record_facts
pass
