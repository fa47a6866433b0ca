#!/bin/bash
# The firewall comes up after the tracer (a fresh Debian boot: nf_tables and
# ip_tables are modules loaded by the first nft/iptables). The start record
# says which netfilter modules it found; a refused SYN is explained before
# any firewall exists; rules added afterwards (nft reject, nft drop,
# iptables-legacy REJECT) are named on the client's retry. With --all-hooks,
# where the modules were not loaded at start and the backend hooks functions
# (fentry, kprobe: the 6.1/6.12 VMs), their verdict hooks attach when they
# load (an `attach` record) and the first refusal already names the table;
# elsewhere (the default mode hooks no rule evaluator) nothing is attached
# and nothing changes.
. "$(dirname "$0")/lib.sh"
setup_pair
# Only --all-hooks hooks the rule evaluators, so only it attaches them late:
# where functions can be hooked (the VMs), this scenario runs in that mode.
case ${WR_BACKEND:-} in fentry | kprobe) WR_OPTS="${WR_OPTS:-} --all-hooks" ;; esac
start_tracer
start=$(wait_json "$OUT" '.event == "start"')
for m in nf_tables ip_tables ip6_tables; do
	state=$(jq -r ".netfilter_modules.$m" <<<"$start")
	case $state in "built in" | loaded | "loaded, no BTF" | "not loaded") ;;
	*) fail "start record: netfilter_modules.$m is '$state'" ;; esac
done
# vmtest's "none" state unloads every netfilter module before each scenario.
if [ "${WR_MODULES_AT_START:-}" = none ]; then
	for m in nf_tables ip_tables ip6_tables; do
		assert_eq "$(jq -r ".netfilter_modules.$m" <<<"$start")" "not loaded" "$m at start"
	done
fi
fn_hooks=$(jq -r '.mode == "all-hooks" and ([.hooks[] | select(test("^(fentry|kprobe)"))] | length > 0)' \
	<<<"$start")
late() { [ "$fn_hooks" = true ] && [ "$(jq -r ".netfilter_modules.$1" <<<"$start")" = "not loaded" ]; }
if late nf_tables; then
	assert_contains "$(jq -r .fallback <<<"$start")" "nf_tables not loaded"
fi

# Before any firewall: a plain no-listener refusal.
assert_eq "$(connect_from_client $SRV4 9)" refused "closed port"
wait_refusal '.dport == 9 and .cause == "no_listener"' >/dev/null || fail "no no_listener refusal"

# The firewall comes up: nft loads nf_tables, iptables-legacy ip_tables.
srv_input_table wrlate 'tcp dport 5432 reject with tcp reset' 'tcp dport 8080 drop'
srv iptables-legacy -A INPUT -p tcp --dport 3306 -j REJECT --reject-with icmp-port-unreachable
if late nf_tables; then
	line=$(wait_json "$OUT" '.event == "attach" and (.hooks.verdicts // "" | test("nft_do_chain"))' 20) ||
		fail "no attach record for nf_tables after it loaded"
	assert_eq "$(jq -r .netfilter_modules.nf_tables <<<"$line")" loaded "nf_tables in the attach record"
	# Text mode says it where it printed its banner (stderr).
	[ "${WR_TEXT:-1}" = 0 ] || for ((i = 0; i < 100; i++)); do
		grep -q "nf_tables.* loaded: verdict hooks attached" "$TXT.err" && break
		sleep 0.05
	done
	[ "${WR_TEXT:-1}" = 0 ] || grep -q "nf_tables.* loaded: verdict hooks attached" "$TXT.err" ||
		fail "the text tracer did not say nf_tables was hooked: $(cat "$TXT.err")"
fi
if late ip_tables; then
	wait_json "$OUT" '.event == "attach" and (.hooks.verdicts // "" | test("ipt_do_table"))' 20 \
		>/dev/null || fail "no attach record for ip_tables after it loaded"
fi
if [ "$fn_hooks" != true ] || { ! late nf_tables && ! late ip_tables; }; then
	sleep 2	# a poll of the modules happened: still nothing to attach
	# (REJECT hooks attach when nft's reject loads nf_reject_ipv4: not verdict hooks.)
	[ "$(jq -c 'select(.event == "attach" and (.what | test("verdict")))' "$OUT")" = "" ] ||
		fail "attach record with nothing new"
fi

# port, client outcome, cause, verdict, table, chain the retry names, rule text
check_flow() {
	local port=$1 seen=$2 cause=$3 verdict=$4 table=$5 chain=$6 pattern=$7 mod=$8 line answer
	assert_eq "$(connect_from_client $SRV4 "$port" 2500)" "$seen" "first attempt to $port"
	line=$(wait_refusal ".dport == $port") || fail "no refusal for $port"
	assert_refusal_contract "$line"
	case $verdict in *tcp*) answer=tcp-reset ;; *icmp*) answer=icmp ;; *) answer=none ;; esac
	assert_answer "$line" "$cause" $answer || true	# the default mode: see lib.sh
	assert_field "$line" rule.status "pending retry"
	if late "$mod"; then	# the verdict hook named the table at once
		assert_field "$line" rule.table "$table"
	fi
	assert_eq "$(connect_from_client $SRV4 "$port" 2500)" "$seen" "retry to $port"
	line=$(wait_refusal ".dport == $port and .rule.status == \"found\"") ||
		fail "the retry to $port did not name the rule"
	assert_field "$line" cause "$cause"
	assert_field "$line" rule.table "$table"
	assert_field "$line" rule.chain "$chain"
	assert_field "$line" rule.verdict "$verdict"
	assert_contains "$(jq -r .rule.text <<<"$line")" "$pattern"
}
check_flow 5432 refused firewall_reject "reject with tcp reset" wrlate input \
	"tcp dport 5432 reject with tcp reset" nf_tables
check_flow 8080 timeout firewall_drop drop wrlate input "tcp dport 8080 drop" nf_tables
check_flow 3306 refused firewall_reject "reject with icmp port-unreachable" filter INPUT \
	"--dport 3306 -j REJECT" ip_tables
stop_tracer
pass
