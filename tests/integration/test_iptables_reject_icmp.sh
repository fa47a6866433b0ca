#!/bin/bash
# iptables -j REJECT answers with ICMP port-unreachable (refused) or, with
# --reject-with icmp-admin-prohibited, "No route to host": the tracer must
# name the ICMP answer and say exactly what the client saw.
. "$(dirname "$0")/lib.sh"
setup_pair
srv iptables -A INPUT -p tcp --dport 3306 -j REJECT
srv iptables -A INPUT -p tcp --dport 3307 -j REJECT --reject-with icmp-admin-prohibited
srv ip6tables -A INPUT -p tcp --dport 3306 -j REJECT
start_tracer

assert_eq "$(connect_from_client $SRV4 3306)" refused "client outcome on 3306"
line=$(told_refusal '.dport == 3306' firewall_reject icmp $SRV4 3306)
assert_refusal_contract "$line"
assert_field "$line" reply "icmp port-unreachable"
assert_field "$line" client_sees "Connection refused"

assert_eq "$(connect_from_client $SRV4 3307)" "error: No route to host" "client outcome on 3307"
line=$(told_refusal '.dport == 3307' firewall_reject icmp $SRV4 3307)
assert_field "$line" reply "icmp admin-prohibited"
assert_field "$line" client_sees "No route to host"

assert_eq "$(connect_from_client $SRV6 3306)" refused "v6 client outcome on 3306"
line=$(told_refusal '.dport == 3306 and .family == "ipv6"' firewall_reject icmp6 $SRV6 3306)
assert_field "$line" reply "icmpv6 port-unreachable"
stop_tracer
pass
