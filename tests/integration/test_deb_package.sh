#!/bin/bash
# make deb as a fleet would use it: lintian reports no error or warning; the
# package installs with dpkg -i, its /usr/sbin/whyrefused reports its
# version and explains a refusal (a scenario run with the installed binary),
# the unit is installed, valid (systemd-analyze verify) and not enabled,
# /etc/default/whyrefused is a conffile; dpkg --purge leaves none of its
# paths behind.
# Its maintainer scripts are debhelper's (dh_installsystemd --no-enable
# --no-start --restart-after-upgrade, and the stop on removal): enablement
# through deb-systemd-helper, nothing enabled by the package, an
# administrator's `systemctl enable` kept across an upgrade and undone by
# the purge with deb-systemd-helper's state; start, stop and restart through
# deb-systemd-invoke. logrotate's HUP goes to the unit's main process only.
# No systemd runs as PID 1 here: the scripts' systemd branches (daemon-reload,
# stop on removal, try-restart after an upgrade) are read, not run.
# scenario-timeout: 300
# (make deb compiles the package once; lintian takes ~30 s on a loaded machine)
. "$(dirname "$0")/lib.sh"
[ -n "${WR_VM:-}" ] && { pass "skipped in the VM (the package is the host's)"; exit 0; }
DEB=$(make -s -C "$ROOT" BUILD="${BUILD:-build}" deb 2>&1 | tail -n 1)	# incremental after the first
[ -f "$DEB" ] || fail "make deb built no package: $DEB"
command -v lintian >/dev/null || fail "lintian is missing (make deps installs it)"
dpkg -s whyrefused >/dev/null 2>&1 && fail "a whyrefused package is installed already: not touching it"

tags=$(lintian --tag-display-limit 0 "$DEB" 2>&1 | grep -E '^[EW]: ' || true)
assert_eq "$tags" "" "lintian errors and warnings"

# The maintainer scripts, as read: debhelper's snippets, no enable or start of their own.
dpkg-deb -e "$DEB" "$WORK/ctrl"
for s in postinst prerm postrm; do
	[ -x "$WORK/ctrl/$s" ] || fail "no $s in the package"
	assert_eq "$(head -n 1 "$WORK/ctrl/$s")" "#!/bin/sh" "$s's interpreter"
	grep -qx 'set -e' "$WORK/ctrl/$s" || fail "$s does not set -e"
	code=$(grep -vE '^\s*#' "$WORK/ctrl/$s")
	other=$(grep -E 'systemctl' <<<"$code" | grep -vE 'systemctl --system daemon-reload' || true)
	assert_eq "$other" "" "$s's systemctl calls other than daemon-reload"
	other=$(grep -E 'deb-systemd-invoke (start|restart)' <<<"$code" || true)
	assert_eq "$other" "" "$s starting the unit"
done
grep -q "deb-systemd-helper update-state 'whyrefused.service'" "$WORK/ctrl/postinst" ||
	fail "postinst does not record the unit's state with deb-systemd-helper update-state"
grep -q "deb-systemd-helper --quiet was-enabled 'whyrefused.service'" "$WORK/ctrl/postinst" ||
	fail "postinst does not ask deb-systemd-helper was-enabled"
grep -q "deb-systemd-invoke try-restart 'whyrefused.service'" "$WORK/ctrl/postinst" ||
	fail "postinst does not try-restart the unit after an upgrade"
grep -q "deb-systemd-invoke stop 'whyrefused.service'" "$WORK/ctrl/prerm" ||
	fail "prerm does not stop the unit on removal"
grep -q "deb-systemd-helper purge 'whyrefused.service'" "$WORK/ctrl/postrm" ||
	fail "postrm does not purge deb-systemd-helper's state"

# deb-systemd-helper answers maintainer scripts only.
dsh() { DPKG_MAINTSCRIPT_PACKAGE=whyrefused deb-systemd-helper "$@"; }
# Where enablement lives: links under /etc/systemd/system, deb-systemd-helper's state.
unit_state() {
	find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
		/var/lib/systemd/deb-systemd-helper-masked -name 'whyrefused.service*' 2>/dev/null | sort
}
[ -z "$(unit_state)" ] || fail "whyrefused's unit state is there before the install: $(unit_state)"

# The package's own paths (not the directories it shares), before and after.
paths=$(dpkg-deb -c "$DEB" | awk '{ print substr($6, 2) }' | grep -v '/$')
exists() { local p; for p in $paths /usr/share/doc/whyrefused /usr/share/whyrefused; do
	[ -e "$p" ] && echo "$p"; done; true; }
before=$(exists)
ON_EXIT+=("unit_state | xargs -r rm -f")	# run after the purge (last in, first run): what a broken one left
ON_EXIT+=("dpkg --purge whyrefused")
dpkg -i "$DEB" >"$WORK/dpkg.out" 2>&1 || fail "dpkg -i failed: $(tail -n 3 "$WORK/dpkg.out")"
assert_eq "$(/usr/sbin/whyrefused --version)" "whyrefused $(dpkg-deb -f "$DEB" Version)" "version"
assert_contains "$(dpkg-query -W -f='${Conffiles}' whyrefused)" /etc/default/whyrefused
# The Prometheus rules, ready for rule_files: (promtool, when there, accepts them as installed).
rules=/usr/share/whyrefused/prometheus/whyrefused.rules.yml
[ -f $rules ] || fail "the package lacks $rules"
if command -v promtool >/dev/null; then
	promtool check rules $rules >/dev/null 2>&1 || fail "promtool rejects the installed $rules"
fi
# Installed, not enabled: no link in any .wants, was-enabled false; the state
# recorded (update-state) so that the purge knows what to clean.
ls /etc/systemd/system/*.wants/whyrefused.service >/dev/null 2>&1 &&
	fail "the package enabled the unit: $(ls -l /etc/systemd/system/*.wants/whyrefused.service)"
dsh --quiet was-enabled whyrefused.service && fail "deb-systemd-helper says the unit was enabled"
dsh debian-installed whyrefused.service || fail "postinst recorded no state for the unit"
# The unit as packaged: systemd accepts it, its ExecStart (/usr/sbin/whyrefused)
# and its Documentation= (the installed whyrefused(8)).
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify /lib/systemd/system/whyrefused.service 2>&1) ||
		fail "systemd-analyze verify of the packaged unit: $out"
fi
if [ -d /run/systemd/system ]; then
	[ "$(systemctl is-enabled whyrefused 2>/dev/null || true)" != enabled ] ||
		fail "the package enabled the unit"
fi

# logrotate's postrotate, run as logrotate runs it (sh -c), with a systemctl
# that says what it was asked, in a mount namespace of its own where /run
# says systemd runs (or does not): HUP to the main process of a running
# unit, nothing otherwise, never a killall.
LR=/etc/logrotate.d/whyrefused
body=$(sed -n '/^\s*postrotate$/,/^\s*endscript$/p' "$LR" | sed '1d;$d')
[ -n "$body" ] || fail "no postrotate in $LR"
grep -qE 'killall|pkill|pidof' <<<"$body" && fail "postrotate signals by name: $body"
assert_contains "$body" "--kill-whom=main"
grep -q '^\s*sharedscripts$' "$LR" || fail "$LR would send one HUP per rotated file"
mkdir "$WORK/bin"
cat >"$WORK/bin/systemctl" <<'EOF'
#!/bin/sh
echo "systemctl $*" >>"$CALLS"
[ "$*" != "--quiet is-active whyrefused.service" ] || exit "$ACTIVE"
EOF
chmod +x "$WORK/bin/systemctl"
postrotate() {	# SYSTEMD(yes/no) ACTIVE(0 running, 3 not): what it called
	rm -f "$WORK/calls"
	CALLS=$WORK/calls ACTIVE=$2 PATH="$WORK/bin:$PATH" unshare -m sh -c \
		'mount -t tmpfs tmpfs /run && { [ "$0" = no ] || mkdir -p /run/systemd/system; } && sh -c "$1"' \
		"$1" "$body" || fail "postrotate failed (systemd: $1, is-active: $2)"
	cat "$WORK/calls" 2>/dev/null || true
}
assert_eq "$(postrotate yes 0)" "systemctl --quiet is-active whyrefused.service
systemctl kill --kill-whom=main --signal=HUP whyrefused.service" "postrotate, the unit running"
assert_eq "$(postrotate yes 3)" "systemctl --quiet is-active whyrefused.service" "postrotate, the unit stopped"
assert_eq "$(postrotate no 0)" "" "postrotate without systemd"
if command -v logrotate >/dev/null; then
	out=$(logrotate -d -s "$WORK/logrotate.state" "$LR" 2>&1) || fail "logrotate -d $LR: $out"
	grep -q '^error' <<<"$out" && fail "logrotate -d $LR: $out"
fi

out=$(WR=/usr/sbin/whyrefused bash "$(dirname "$0")/test_no_listener_v4.sh" 2>&1) ||
	fail "a scenario with the installed binary failed: $(tail -n 3 <<<"$out")"

# An administrator enables the unit; an upgrade (the same version again)
# keeps it enabled and records it; --remove keeps it (a reinstall finds it
# enabled), --purge removes the link and every trace of deb-systemd-helper's.
systemctl enable whyrefused.service >/dev/null 2>&1 || fail "systemctl enable whyrefused.service failed"
dpkg -i "$DEB" >"$WORK/dpkg.out" 2>&1 || fail "dpkg -i (upgrade) failed: $(tail -n 3 "$WORK/dpkg.out")"
dsh --quiet was-enabled whyrefused.service || fail "the upgrade lost the administrator's enable"
[ -L /etc/systemd/system/multi-user.target.wants/whyrefused.service ] || fail "the upgrade removed the link"
dpkg --remove whyrefused >"$WORK/dpkg.out" 2>&1 || fail "dpkg --remove failed: $(cat "$WORK/dpkg.out")"
[ -L /etc/systemd/system/multi-user.target.wants/whyrefused.service ] ||
	fail "--remove forgot the administrator's enable"
dpkg --purge whyrefused >"$WORK/dpkg.out" 2>&1 || fail "dpkg --purge failed: $(cat "$WORK/dpkg.out")"
assert_eq "$(unit_state)" "" "the unit's links and deb-systemd-helper state after --purge"
assert_eq "$(exists)" "$before" "the package's paths after --purge"
pass "$(wc -l <<<"$paths") files, lintian clean"
