#!/bin/bash
# How a service stopped, as the kernel saw it end (service_ends.sh), with
# --all-hooks (LISTEN events): every end is exact.
MODE=--all-hooks
. "$(dirname "$0")/service_ends.sh"
