#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make deb: build/whyrefused_<version>_<arch>.deb with Debian's own tools
# (make BUILD=DIR deb: DIR/..., beside the Makefile's other trees).
# The binary is built again with Debian's hardening flags (dpkg-buildflags),
# its Depends come from dpkg-shlibdeps, and dpkg-deb packs the tree:
#   /usr/sbin/whyrefused, whyrefused(8), the systemd unit (installed, not
#   enabled), /etc/default/whyrefused and the logrotate file (conffiles),
#   bash completion, the JSON schema, copyright and changelog. Its
#   maintainer scripts are what dh_installsystemd --no-enable --no-start
#   --restart-after-upgrade writes (deb-systemd-helper, deb-systemd-invoke),
#   with the stop on removal: tools/debian/postinst, prerm, postrm.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tools/debian
VERSION=$(sed -n 's/^VERSION *:= *//p' "$ROOT/Makefile")
ARCH=$(dpkg --print-architecture)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
OBJ=$BUILD/deb-obj
STAGE=$BUILD/deb/whyrefused
OUT=$BUILD/whyrefused_${VERSION}_${ARCH}.deb

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
make -s -C "$ROOT" BUILD="$OBJ" \
	EXTRA_CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)" \
	LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" "$OBJ/whyrefused"

rm -rf "$STAGE"
install -D -m 0755 "$OBJ/whyrefused" "$STAGE/usr/sbin/whyrefused"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$STAGE/usr/sbin/whyrefused"
install -d "$STAGE/usr/share/man/man8"
gzip -9n <"$ROOT/tools/man/whyrefused.8" >"$STAGE/usr/share/man/man8/whyrefused.8.gz"
install -D -m 0644 "$ROOT/tools/completion/whyrefused" \
	"$STAGE/usr/share/bash-completion/completions/whyrefused"
install -D -m 0644 "$ROOT/tools/schema/whyrefused.schema.json" \
	"$STAGE/usr/share/whyrefused/whyrefused.schema.json"
install -D -m 0644 "$ROOT/tools/prometheus/whyrefused.rules.yml" \
	"$STAGE/usr/share/whyrefused/prometheus/whyrefused.rules.yml"	# docs/prometheus.md
install -d "$STAGE/lib/systemd/system"
sed 's|/usr/local/sbin/|/usr/sbin/|' "$ROOT/tools/systemd/whyrefused.service" \
	>"$STAGE/lib/systemd/system/whyrefused.service"
chmod 0644 "$STAGE/lib/systemd/system/whyrefused.service"
install -D -m 0644 "$HERE/default" "$STAGE/etc/default/whyrefused"
install -D -m 0644 "$HERE/logrotate" "$STAGE/etc/logrotate.d/whyrefused"
install -D -m 0644 "$HERE/copyright" "$STAGE/usr/share/doc/whyrefused/copyright"
gzip -9n <"$HERE/changelog" >"$STAGE/usr/share/doc/whyrefused/changelog.gz"	# a native package

# Depends: what the binary links, as dpkg-shlibdeps names the packages.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debian/whyrefused/usr/sbin"
printf 'Source: whyrefused\n\nPackage: whyrefused\nArchitecture: any\n' >"$work/debian/control"
cp "$STAGE/usr/sbin/whyrefused" "$work/debian/whyrefused/usr/sbin/"
shlibs=$(cd "$work" && dpkg-shlibdeps -O debian/whyrefused/usr/sbin/whyrefused 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "build-deb: dpkg-shlibdeps found no libraries" >&2; exit 1; }

install -d -m 0755 "$STAGE/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$size/" -e "s/@SHLIBS@/$shlibs/" \
	"$HERE/control.in" >"$STAGE/DEBIAN/control"
printf '/etc/default/whyrefused\n/etc/logrotate.d/whyrefused\n' >"$STAGE/DEBIAN/conffiles"
install -m 0755 "$HERE/postinst" "$HERE/prerm" "$HERE/postrm" "$STAGE/DEBIAN/"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
	xargs -0 md5sum) >"$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/conffiles" "$STAGE/DEBIAN/md5sums"
find "$STAGE" -type d -exec chmod 0755 {} +
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$OUT" >/dev/null
echo "$OUT"
