#!/bin/bash
# Runs every integration scenario (root, real kernel, throw-away network
# namespaces). Exit status is non-zero when any scenario fails.
set -u
cd "$(dirname "$0")"
if [ "$(id -u)" -ne 0 ]; then
	echo "integration tests need root (network namespaces, BPF)" >&2
	exit 1
fi
for tool in ip nft iptables ip6tables jq setpriv curl bpftool; do
	command -v $tool >/dev/null || { echo "missing $tool: run 'make deps'" >&2; exit 1; }
done
failed=()
total=0
for t in ${TESTS:-test_*.sh}; do
	t=${t%.sh}.sh
	total=$((total + 1))
	# tools/vmtest.sh: e.g. unload netfilter modules so each scenario starts as on a fresh boot.
	[ -n "${WR_BEFORE_EACH:-}" ] && $WR_BEFORE_EACH
	# 120 s a scenario here; tools/vmtest.sh gives 240 under TCG (podman's commands take seconds each there).
	# A scenario may ask for more with a "# scenario-timeout: SECONDS" line (firewalld's
	# start alone takes 20-80 s on a loaded 2-core machine).
	limit=${WR_SCENARIO_TIMEOUT:-120}
	own=$(sed -n 's/^# scenario-timeout: \([0-9]\{1,4\}\)$/\1/p' "$t" | head -n 1)
	[ -n "$own" ] && [ "$own" -gt "$limit" ] && limit=$own
	started=$SECONDS
	timeout --kill-after=10 "$limit" bash "$t"
	rc=$?
	# Where the minutes go (tools/vm/matrix.sh chooses what runs under TCG by it).
	echo "time ${t%.sh} $((SECONDS - started)) s"
	if [ $rc -ne 0 ]; then
		failed+=("$t")
		# A scenario stuck in a foreground command never reaches its own FAIL line.
		[ $rc -eq 124 ] || [ $rc -eq 137 ] &&
			echo "FAIL ${t%.sh}: timed out after $limit s"
	fi
done
echo "integration: $((total - ${#failed[@]}))/$total passed"
if [ ${#failed[@]} -gt 0 ]; then
	printf 'failed: %s\n' "${failed[@]}"
	exit 1
fi
