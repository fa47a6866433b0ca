#!/bin/bash
# The systemd unit in tools/systemd is valid and hardened, and what it allows
# is enough for everything the tracer does after it drops its own
# capabilities. With exactly the unit's bounding set, NoNewPrivileges, UMask
# and seccomp filters (SystemCallFilter=, SystemCallArchitectures=,
# MemoryDenyWriteExecute=, RestrictAddressFamilies=, loaded by unit_seccomp.py
# as systemd would load them, stricter: any call outside them kills), its
# default options and the --output, --metrics and --metrics-file its comment
# suggests, it still names the listener on another port, an iptables-legacy
# rule (iptables-legacy-save needs CAP_NET_RAW), an iptables-nft rule
# (iptables-nft -S) and an nft rule (a tracing table: CAP_NET_ADMIN), serves
# metrics over TCP, writes the textfile, reopens its output on SIGHUP and
# exits 0.
# No systemd runs as PID 1 here (nor in the VMs): the unit itself is never
# started, so its mount namespace (ProtectSystem=, PrivateDevices=,
# InaccessiblePaths=...) and systemd's own seccomp code are not exercised;
# the capabilities and filters it asks for are, on the real binary.
. "$(dirname "$0")/lib.sh"
UNIT=$ROOT/tools/systemd/whyrefused.service
if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/local/sbin/whyrefused|$WR|" "$UNIT" >"$WORK/whyrefused.service"
	# Its man page is not installed here (test_deb_package verifies it installed).
	out=$(systemd-analyze verify --man=no "$WORK/whyrefused.service" 2>&1) ||
		fail "systemd-analyze verify: $out"
fi
grep -qx 'Documentation=man:whyrefused(8)' "$UNIT" && [ -f "$ROOT/tools/man/whyrefused.8" ] ||
	fail "the unit does not name whyrefused(8)"

# The hardening the unit asks for, each directive set as reasoned in its comments.
setting() { sed -n "s/^$1=//p" "$UNIT"; }
for d in NoNewPrivileges=yes MemoryDenyWriteExecute=yes RestrictSUIDSGID=yes UMask=0022 \
	SystemCallArchitectures=native SystemCallErrorNumber=EPERM "SystemCallFilter=~@privileged @resources" \
	"InaccessiblePaths=-/proc/kmsg -/dev/kmsg"; do
	grep -qxF -- "$d" "$UNIT" || fail "the unit lacks $d"
done
assert_contains "$(setting SystemCallFilter | head -n 1)" "@system-service bpf perf_event_open"
# Left out on purpose, and said why: it would take CAP_SYSLOG away.
grep -q '^ProtectKernelLogs=' "$UNIT" && fail "ProtectKernelLogs= would remove CAP_SYSLOG"
grep -q '^# Not ProtectKernelLogs=yes' "$UNIT" || fail "the unit does not say why ProtectKernelLogs= is left out"
assert_contains "$(setting CapabilityBoundingSet)" CAP_SYSLOG
exposure=
if command -v systemd-analyze >/dev/null; then
	sec=$(systemd-analyze security --offline=yes --json=short "$WORK/whyrefused.service" 2>&1) ||
		fail "systemd-analyze security: $sec"
	for check in MemoryDenyWriteExecute= RestrictSUIDSGID= NoNewPrivileges= SystemCallArchitectures= \
		SystemCallFilter=~@resources SystemCallFilter=~@mount SystemCallFilter=~@module \
		SystemCallFilter=~@raw-io SystemCallFilter=~@reboot SystemCallFilter=~@swap \
		SystemCallFilter=~@clock SystemCallFilter=~@obsolete SystemCallFilter=~@cpu-emulation; do
		[ "$(jq -r --arg n "$check" '.[] | select(.name == $n) | .set' <<<"$sec")" = true ] ||
			fail "systemd-analyze security: $check not set"
	done
	exposure=$(systemd-analyze security --offline=yes "$WORK/whyrefused.service" 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
fi

caps=$(setting CapabilityBoundingSet)
[ -n "$caps" ] || fail "the unit sets no CapabilityBoundingSet"
spec=-all
for c in $caps; do spec+=",+$(tr 'A-Z' 'a-z' <<<"${c#CAP_}")"; done
opts=$(setting 'Environment=WHYREFUSED_OPTS')
SECCOMP=(python3 "$(dirname "$0")/unit_seccomp.py" "$UNIT" --)
if [ "$(uname -m)" != x86_64 ] || ! command -v python3 >/dev/null; then
	SECCOMP=()	# unit_seccomp.py knows x86-64's numbers only; the VMs have no Python
else
	# The filters bite: a call the unit leaves out (@resources), a writable and
	# executable mapping, an AF_PACKET socket each kill (SIGSYS: 128 + 31).
	for py in 'import os; os.sched_setaffinity(0, {0})' \
		'import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_WRITE | mmap.PROT_EXEC)' \
		'import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)'; do
		rc=$(bash -c '"$@"; echo $?' - "${SECCOMP[@]}" python3 -c "$py" 2>/dev/null)
		assert_eq "$rc" 159 "exit status of '$py' under the unit's filters"
	done
	"${SECCOMP[@]}" python3 -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_STREAM)' ||
		fail "the unit's filters refuse what they should allow"
fi
seccomp_kills() { dmesg 2>/dev/null | grep 'type=1326' | tail -n 3; true; }

setup_pair
start_listener "$SRV" 0.0.0.0 2222
srv iptables-legacy -A INPUT -p tcp --dport 3306 -j REJECT
srv iptables-nft -A INPUT -p tcp --dport 5432 -j REJECT --reject-with tcp-reset
srv_input_table wru "tcp dport 8080 drop"
PORT=$((20000 + $$ % 20000))
PROM=$WORK/textfile/whyrefused.prom
mkdir "$WORK/textfile"
# shellcheck disable=SC2086 # the unit's options, split as systemd splits them
(umask "$(setting UMask)"; exec setpriv --bounding-set="$spec" --inh-caps=-all --no-new-privs \
	"${SECCOMP[@]}" "$WR" "${BACKEND_OPT[@]}" --json $opts --output "$OUT" \
	--metrics "127.0.0.1:$PORT" --metrics-file "$PROM" --netns "$SRV") >/dev/null 2>"$ERR" &
TRACER_PID=$!
wait_json "$OUT" '.event == "start"' 15 >/dev/null ||
	fail "tracer did not start with the unit's capabilities ($spec) and filters: $(cat "$ERR") $(seccomp_kills)"
# Attached, it dropped what it no longer needs, from the bounding set too.
caps=$((16#$(awk '$1 == "CapBnd:" { print $2 }' /proc/$TRACER_PID/status)))
(( caps >> 39 & 1 )) && fail "CAP_BPF still in the bounding set"
[ ${#SECCOMP[@]} -eq 0 ] || [ "$(awk '$1 == "Seccomp:" { print $2 }' /proc/$TRACER_PID/status)" = 2 ] ||
	fail "the tracer runs without the unit's seccomp filters"

assert_eq "$(connect_from_client $SRV4 22)" refused "connect to 22"
line=$(wait_refusal '.dport == 22') || fail "no refusal on 22"
jq -e '.listeners[] | select(.port == 2222 and .comm == "tcp_listen" and .pid > 0)' \
	<<<"$line" >/dev/null || fail "the listener on 2222 is not named: $line"
# First attempts; the retries come once the tracer has seen them (and
# started tracing the nft flow), as a client's retry would.
assert_eq "$(connect_from_client $SRV4 3306)" refused "connect to 3306"
assert_eq "$(connect_from_client $SRV4 5432)" refused "connect to 5432"
assert_eq "$(connect_from_client $SRV4 8080 300)" timeout "connect to 8080"
wait_refusal '.dport == 3306' >/dev/null || fail "no refusal on 3306"
wait_refusal '.dport == 5432' >/dev/null || fail "no refusal on 5432"
wait_refusal '.dport == 8080 and .rule.status == "pending retry"' >/dev/null ||
	fail "the nft flow is not traced: $(cat "$OUT")"
assert_eq "$(connect_from_client $SRV4 3306)" refused "retry 3306"
assert_eq "$(connect_from_client $SRV4 5432)" refused "retry 5432"
assert_eq "$(connect_from_client $SRV4 8080 300)" timeout "retry 8080"
line=$(wait_refusal '.dport == 3306 and .rule.status == "found"') ||
	fail "iptables-legacy rule not named: $(cat "$OUT") $(seccomp_kills)"
assert_field "$line" rule.number 1
line=$(wait_refusal '.dport == 5432 and .rule.status == "found"') ||
	fail "iptables-nft rule not named: $(cat "$OUT") $(seccomp_kills)"
assert_field "$line" rule.syntax iptables
line=$(wait_refusal '.dport == 8080 and .rule.status == "found"') ||
	fail "nft rule not named: $(cat "$OUT") $(seccomp_kills)"
assert_field "$line" rule.table wru

# Metrics over TCP, and the textfile readable by node_exporter's own user.
curl -sf "http://127.0.0.1:$PORT/metrics" | grep -q '^whyrefused_refusals_total{' ||
	fail "no metrics on 127.0.0.1:$PORT $(seccomp_kills)"
# logrotate's move, then the HUP its postrotate sends: what follows goes to a new file.
mv "$OUT" "$OUT.1"
kill -HUP "$TRACER_PID"
for ((i = 0; i < 100; i++)); do [ -e "$OUT" ] && break; sleep 0.05; done
assert_eq "$(connect_from_client $SRV4 22)" refused "connect to 22 after SIGHUP"
wait_refusal '.dport == 22' >/dev/null || fail "no refusal in the reopened output"
[ -s "$ERR" ] && fail "the tracer complained: $(cat "$ERR")"
stop_tracer
assert_eq "$(stat -c %a "$PROM")" 644 "the metrics textfile's mode"
assert_eq "$(stat -c %a "$OUT")" 640 "the reopened output's mode"
filters=seccomp
[ ${#SECCOMP[@]} -eq 0 ] && filters="no seccomp filters ($(uname -m), or no python3)"
pass "capabilities and $filters as the unit's${exposure:+, systemd-analyze security exposure $exposure}"
