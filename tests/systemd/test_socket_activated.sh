#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A socket-activated service that cannot start: wrdemo.socket
# (ListenStream=2525, Accept=no) starts wrdemo.service on the first
# connection, which exits 1 at once; the pending connection triggers it
# again until systemd gives up on the socket, which then stops listening:
# the next SYN to 2525 is refused.
#
# What systemd 252 does and says (Debian 12 guest, make vmsystemd): the
# connection stays in the accept queue (nobody accepts it), so the socket
# triggers the service again after each failure: wrdemo.service runs 5
# times, hits its start limit, and the socket gives up, closing its
# listening fd, about 2 s after the connection. Both end failed.
#   before: wrdemo.socket ActiveState=active SubState=listening Result=success
#     UnitFileState=static; journal: "Listening on wrdemo.socket - ..."
#   wrdemo.socket after:
#     ActiveState=failed SubState=failed Result=service-start-limit-hit
#     UnitFileState=static InactiveEnterTimestamp=Wed 2026-12-02 03:47:09 UTC
#     (a socket has no ExecMain* or NRestarts: systemctl show prints none)
#     journalctl -u wrdemo.socket -n 3 -o cat
#       Listening on wrdemo.socket - whyrefused demo socket (tests/systemd/test_socket_activated.sh).
#       wrdemo.socket: Failed with result 'service-start-limit-hit'.
#   wrdemo.service after:
#     ActiveState=failed SubState=failed Result=exit-code
#     ExecMainCode=1 (CLD_EXITED) ExecMainStatus=1 NRestarts=0 (no Restart=:
#     the socket started it each time) UnitFileState=static
#     InactiveEnterTimestamp=Wed 2026-12-02 03:47:09 UTC
#     journalctl -u wrdemo.service -n 3 -o cat
#       wrdemo.service: Start request repeated too quickly.
#       wrdemo.service: Failed with result 'exit-code'.
#       Failed to start wrdemo.service - whyrefused demo service that cannot start.
#     and before them, five times:
#       Started wrdemo.service - whyrefused demo service that cannot start.
#       wrdemo: cannot start
#       wrdemo.service: Main process exited, code=exited, status=1/FAILURE
#       wrdemo.service: Failed with result 'exit-code'.
. "$(dirname "$0")/lib.sh"
check_guest
setup_client
ON_EXIT+=("systemctl stop wrdemo.socket wrdemo.service; rm -f /etc/systemd/system/wrdemo.socket \
/etc/systemd/system/wrdemo.service; systemctl daemon-reload; systemctl reset-failed wrdemo.socket wrdemo.service")
cat >/etc/systemd/system/wrdemo.socket <<'UNIT'
[Unit]
Description=whyrefused demo socket (tests/systemd/test_socket_activated.sh)

[Socket]
ListenStream=2525
Accept=no
UNIT
cat >/etc/systemd/system/wrdemo.service <<'UNIT'
[Unit]
Description=whyrefused demo service that cannot start

[Service]
ExecStart=/bin/sh -c 'echo "wrdemo: cannot start"; exit 1'
UNIT
systemctl daemon-reload
systemctl start wrdemo.socket
wait_until 30 "wrdemo.socket listening on 2525" listening 2525
record_unit_facts wrdemo.socket socket-listening
# The kernel completes the handshake on systemd's socket; the service fails.
assert_eq "$(connect_client 2525)" connected "the client connecting to the listening socket"
t0=$SECONDS
wait_until 90 "wrdemo.socket to stop listening" not_listening 2525
note "wrdemo.socket stopped listening $((SECONDS - t0)) s after the connection"
wait_until 30 "wrdemo.socket to settle" unit_settled wrdemo.socket
record_unit_facts wrdemo.socket socket-after
record_unit_facts wrdemo.service service-after
record_journal wrdemo.service 20 service-after
note "wrdemo.service ran $(journalctl -u wrdemo.service -o cat | grep -c 'wrdemo: cannot start') times"
note "wrdemo.socket is $(systemctl is-active wrdemo.socket || true), wrdemo.service is $(systemctl is-active wrdemo.service || true)"

start_tracer
line=$(refused_no_listener 2525)
echo "$line"
# The socket unit that should listen on 2525, and its service behind it.
assert_field "$line" unit.name wrdemo.socket
assert_field "$line" unit.found_by socket
assert_field "$line" unit.active_state failed
assert_field "$line" unit.result service-start-limit-hit
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "wrdemo.service kept failing"
stop_tracer
pass
