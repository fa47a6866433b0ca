#!/bin/bash
# podman's conmon holds the host ports a container publishes, and says which
# container in its arguments (-c ID -n NAME). Any program can be called
# conmon and take such arguments: a listener started through a symlink
# named conmon, with a container's id and a name of its choosing, is a
# process like any other, not "the port published for container web".
# Only the conmon binary (/proc/PID/exe), run by root, is podman's.
. "$(dirname "$0")/lib.sh"
setup_pair
ID=8f75def5c927c9fbbbcfc08dee9fc8be7aa76d4fca99528af879f05f9e9ed96c
ln -s "$HELPERS/tcp_listen" "$WORK/conmon"
mkfifo "$WORK/ready"
ip netns exec "$SRV" "$WORK/conmon" 0.0.0.0 8080 128 x --api-version 1 -c "$ID" -u "$ID" -n web \
	>"$WORK/ready" &
IMPOSTOR=$!
PIDS+=($!)
disown $!
read -r -t 5 line <"$WORK/ready" || true
[ "$line" = listening ] || fail "the listener named conmon did not start"
assert_eq "$(cat /proc/$IMPOSTOR/comm)" conmon "its name"
start_tracer
wait_polled 8080 "$IMPOSTOR"

assert_eq "$(connect_from_client $SRV4 8081)" refused "outcome on 8081"
line=$(wait_refusal '.dport == 8081') || fail "no refusal for 8081"
rel=$(jq -c '.listeners[] | select(.port == 8080)' <<<"$line")
assert_eq "$(jq -r .pid <<<"$rel")" "$IMPOSTOR" "the listener on 8080"
assert_eq "$(jq -r .comm <<<"$rel")" conmon "its name"
assert_eq "$(jq -r '.published_for // "none"' <<<"$rel")" none "published_for"
case $line in *"container web"* | *"published for"*) fail "an impostor told as podman's conmon: $line" ;; esac

kill "$IMPOSTOR"
for ((i = 0; i < 100; i++)); do srv ss -ltn | grep -c ':8080 ' >/dev/null || break; sleep 0.05; done
assert_eq "$(connect_from_client $SRV4 8080)" refused "outcome on 8080 once it stopped"
line=$(wait_refusal '.dport == 8080 and .last_listener != null') ||
	fail "no refusal naming the stopped listener"
assert_eq "$(jq -r '.last_listener.published_for // "none"' <<<"$line")" none "stopped published_for"
assert_contains "$(jq -r '.hints[0]' <<<"$line")" "conmon (pid $IMPOSTOR) on 0.0.0.0:8080 "
case $(jq -r '.hints[0]' <<<"$line") in *container*) fail "told as a container that stopped: $line" ;; esac
assert_text "conmon (pid $IMPOSTOR) on 0.0.0.0:8080 -- wrong port?"
assert_text "conmon (pid $IMPOSTOR) on 0.0.0.0:8080 was killed by SIGTERM"
stop_tracer
[ ! -e "$TXT" ] || ! grep -F "(pid $IMPOSTOR)" "$TXT" | grep -c published >/dev/null ||
	fail "an impostor told as podman's conmon: $(grep -F "(pid $IMPOSTOR)" "$TXT" | grep published)"
pass
