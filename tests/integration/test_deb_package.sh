#!/bin/bash
# make deb as a fleet would use it: lintian reports no error or warning; the
# package installs with dpkg -i, its /usr/sbin/whyrefused reports its
# version and explains a refusal (a scenario run with the installed binary),
# the unit is installed, valid (systemd-analyze verify) and not enabled,
# /etc/default/whyrefused is a conffile; dpkg --purge leaves none of its
# paths behind.
. "$(dirname "$0")/lib.sh"
[ -n "${WR_VM:-}" ] && { pass "skipped in the VM (the package is the host's)"; exit 0; }
DEB=$(make -s -C "$ROOT" deb 2>&1 | tail -n 1)	# incremental after the first
[ -f "$DEB" ] || fail "make deb built no package: $DEB"
command -v lintian >/dev/null || fail "lintian is missing (make deps installs it)"
dpkg -s whyrefused >/dev/null 2>&1 && fail "a whyrefused package is installed already: not touching it"

tags=$(lintian --tag-display-limit 0 "$DEB" 2>&1 | grep -E '^[EW]: ' || true)
assert_eq "$tags" "" "lintian errors and warnings"

# The package's own paths (not the directories it shares), before and after.
paths=$(dpkg-deb -c "$DEB" | awk '{ print substr($6, 2) }' | grep -v '/$')
exists() { local p; for p in $paths /usr/share/doc/whyrefused /usr/share/whyrefused; do
	[ -e "$p" ] && echo "$p"; done; true; }
before=$(exists)
ON_EXIT+=("dpkg --purge whyrefused")
dpkg -i "$DEB" >"$WORK/dpkg.out" 2>&1 || fail "dpkg -i failed: $(tail -n 3 "$WORK/dpkg.out")"
assert_eq "$(/usr/sbin/whyrefused --version)" "whyrefused $(dpkg-deb -f "$DEB" Version)" "version"
assert_contains "$(dpkg-query -W -f='${Conffiles}' whyrefused)" /etc/default/whyrefused
# The unit as packaged: systemd accepts it (and its ExecStart, /usr/sbin/whyrefused).
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify /lib/systemd/system/whyrefused.service 2>&1) ||
		fail "systemd-analyze verify of the packaged unit: $out"
fi
if [ -d /run/systemd/system ]; then
	[ "$(systemctl is-enabled whyrefused 2>/dev/null || true)" != enabled ] ||
		fail "the package enabled the unit"
fi
out=$(WR=/usr/sbin/whyrefused bash "$(dirname "$0")/test_no_listener_v4.sh" 2>&1) ||
	fail "a scenario with the installed binary failed: $(tail -n 3 <<<"$out")"

dpkg --purge whyrefused >"$WORK/dpkg.out" 2>&1 || fail "dpkg --purge failed: $(cat "$WORK/dpkg.out")"
assert_eq "$(exists)" "$before" "the package's paths after --purge"
pass "$(wc -l <<<"$paths") files, lintian clean"
