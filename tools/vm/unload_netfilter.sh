#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Run in the guest before each scenario when vmtest's module state is
# "none": unloads every netfilter module, so the tracer starts as on a fresh
# boot, and the scenario's own nft/iptables load them again. A module still
# held after 5 s (a namespace being torn down holds its tables) is named.
set -u
nf=$(cd /lib/modules/$(uname -r)/kernel && ls net/netfilter net/ipv4/netfilter net/ipv6/netfilter \
	net/bridge/netfilter 2>/dev/null | sed -n 's/\.ko\(\.xz\|\.zst\|\.gz\)\{0,1\}$//p' | tr - _ | sort -u)
for ((i = 0; i < 50; i++)); do
	loaded=$(awk '{print $1}' /proc/modules | sort | comm -12 - <(echo "$nf"))
	[ -z "$loaded" ] && exit 0
	for m in $loaded; do rmmod "$m" 2>/dev/null; done
	sleep 0.1
done
echo "WR-MODULES-STUCK $(echo $loaded)"
exit 1
