#!/bin/bash
# The shipped Prometheus rules (tools/prometheus/) are valid for Debian's
# promtool and behave as their unit tests say: each alert fires when it
# should and stays quiet when it should not. No namespace, no tracer.
. "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || fail "promtool is missing (make deps installs prometheus)"
RULES=$ROOT/tools/prometheus
out=$(promtool check rules "$RULES/whyrefused.rules.yml" 2>&1) || fail "promtool check rules: $out"
assert_contains "$out" "SUCCESS: 9 rules found"
out=$(cd "$RULES" && promtool test rules whyrefused.rules.test.yml 2>&1) ||
	fail "promtool test rules: $out"
assert_contains "$out" SUCCESS
# The tests test: a rule made hastier (no `for:` on the tracer being down) fails them.
cp "$RULES"/whyrefused.rules*.yml "$WORK/"
sed -i 's/^        for: 2m$/        for: 0m/' "$WORK/whyrefused.rules.yml"
out=$(cd "$WORK" && promtool test rules whyrefused.rules.test.yml 2>&1) &&
	fail "a WhyrefusedDown without for: passed its tests"
assert_contains "$out" "alertname: WhyrefusedDown, time: 3m"
pass
