#!/bin/bash
# Bad input: one clear line on stderr and exit 2 for usage errors; exit 1
# naming the problem for missing privileges or BTF; --help and --version.
. "$(dirname "$0")/lib.sh"

# expect_exit CODE PATTERN -- ARGS...: exit code and a one-line message.
expect_exit() {
	local want=$1 pattern=$2 rc=0 err
	shift 3
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, expected $want ($err)"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "'$*' printed more than one line: $err"
	assert_contains "$err" "$pattern"
}

expect_exit 2 "unknown option '--bogus'" -- "$WR" --bogus
expect_exit 2 "invalid port '0'" -- "$WR" --port 0
expect_exit 2 "invalid port '70000'" -- "$WR" --port 70000
expect_exit 2 "invalid port 'ssh'" -- "$WR" -p ssh
expect_exit 2 "invalid port range" -- "$WR" -p 90-80
expect_exit 2 "invalid address or CIDR '300.1.1.1/8'" -- "$WR" --src 300.1.1.1/8
expect_exit 2 "invalid prefix length" -- "$WR" --src 192.0.2.0/33
expect_exit 2 "invalid prefix length" -- "$WR" --src 2001:db8::/129
expect_exit 2 "invalid --watch-client '300.1.1.1'" -- "$WR" --watch-client 300.1.1.1
expect_exit 2 "invalid --watch-client '192.0.2.0/33'" -- "$WR" --watch-client 192.0.2.0/33
expect_exit 2 "invalid --watch-client 'client.example'" -- "$WR" --watch-client client.example
expect_exit 2 "invalid --ask-watch ''" -- "$WR" --ask-watch ''
expect_exit 2 "invalid --ask-watch '2001:db8::/200'" -- "$WR" --ask-watch 2001:db8::/200
expect_exit 2 "invalid --watch-for '0'" -- "$WR" --watch-for 0
expect_exit 2 "invalid --watch-socket 'watch.sock'" -- "$WR" --watch-socket watch.sock
expect_exit 2 "--ask-watch takes only" -- "$WR" --ask-watch 192.0.2.2 -p 22
expect_exit 2 "needs a value" -- "$WR" --port
expect_exit 2 "invalid duration" -- "$WR" --duration soon
expect_exit 2 "unexpected argument 'extra'" -- "$WR" extra
expect_exit 2 "invalid --backend 'ebpf'" -- "$WR" --backend ebpf
expect_exit 1 "cannot read BTF file /nonexistent" -- "$WR" --btf /nonexistent
# --output through a symlink: root would append to whatever it names.
ln -s /etc/passwd-wr-test "$WORK/out.json"
expect_exit 1 "cannot open --output $WORK/out.json: it is a symbolic link" -- \
	"$WR" --output "$WORK/out.json" --duration 1
[ -e /etc/passwd-wr-test ] && fail "--output followed a symlink"
expect_exit 1 "missing capabilities: CAP_BPF CAP_PERFMON CAP_NET_ADMIN" -- \
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$WR"
expect_exit 1 "missing capabilities: CAP_NET_ADMIN" -- \
	setpriv --inh-caps=-net_admin --bounding-set=-net_admin "$WR"

# A backend the kernel refuses is an error when forced, named by what is missing.
probe=$("$WR" --probe) || fail "--probe exited $?"
grep -q '^would attach (--backend auto):' <<<"$probe" || fail "--probe: $probe"
grep -q '^  no_socket ' <<<"$probe" || fail "--probe names no no_socket hook: $probe"
if grep -q '^fentry/fexit programs: refused' <<<"$probe"; then
	expect_exit 1 "--backend fentry: this kernel refuses fentry programs" -- \
		"$WR" --backend fentry
fi
if grep -q '^kprobes: *not available' <<<"$probe"; then
	expect_exit 1 "--backend kprobe: this kernel has no kprobes" -- "$WR" --backend kprobe
fi

"$WR" --help | grep -c '^EXAMPLES:' >/dev/null || fail "--help has no EXAMPLES"
"$WR" --version | grep -Eq '^whyrefused [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
pass
