#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Not a scenario: tools/vm/systemd_guest_run.sh runs it after a scenario
# failed or was killed (timeout) before its own cleanup: lib.sh's exit trap
# puts ssh.service back as the image has it (what a killed scenario made
# under other names, e.g. wrdemo.socket, stays).
export WR_OUT
WR_OUT=$(mktemp -d /tmp/wr-restore.XXXXXX)
. "$(dirname "$0")/lib.sh"
pass
