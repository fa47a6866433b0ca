#!/bin/bash
# How a service stopped, as the kernel saw it end (service_ends.sh), with
# LISTEN events: every end is exact.
MODE=
. "$(dirname "$0")/service_ends.sh"
