#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Runs each libFuzzer harness for SECONDS over a copy of its seed corpus
# (tests/fuzz/corpus/NAME/ -> BUILD/fuzz/corpus/NAME/, kept between runs),
# JOBS at a time, and prints one line per fuzzer. Fails when any fuzzer
# found a crash, a leak, undefined behaviour or a hang: its report is shown,
# and the input that did it is saved as BUILD/fuzz/crash/NAME-*; once fixed,
# it goes into tests/fuzz/corpus/NAME/ as a regression test.
#
#   tests/fuzz/run.sh BUILD SECONDS JOBS NAME...
set -u
build=$1 secs=$2 jobs=$3
shift 3

one() {
	local name=$1 bin=$build/fuzz/fuzz_$1 dir=$build/fuzz/corpus/$1
	local log=$build/fuzz/log/$1.log rc runs rate cov units
	mkdir -p "$dir" "$build/fuzz/log" "$build/fuzz/crash"
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$dir/"
	# -timeout: an input that takes 10 s is a hang; -rss_limit_mb: a leak or blowup.
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix="$build/fuzz/crash/$name-" "$dir" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1)
	units=$(ls "$dir" | wc -l)
	if [ $rc -eq 0 ]; then
		printf '  %-24s ok    %8s runs %7s/s  %-10s corpus %s\n' "fuzz_$name" "${runs:-?}" \
			"${rate:-?}" "${cov:-cov: ?}" "$units"
		return 0
	fi
	# One write: the report is not interleaved with the other fuzzers' lines.
	printf '  %-24s FAIL  (exit %d) log %s\n%s\n' "fuzz_$name" "$rc" "$log" \
		"$(grep -E -A40 '^==[0-9]+==|runtime error|ALARM|out-of-memory|deadly signal' "$log" |
		   head -n 60; grep -E '^(Test unit written|artifact_prefix)' "$log")"
	return 1
}

export -f one
export build secs
printf '%s\n' "$@" | xargs -P "$jobs" -I{} bash -c 'one {}'
