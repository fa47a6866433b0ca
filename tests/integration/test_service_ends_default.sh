#!/bin/bash
# How a service stopped (service_ends.sh) in the default mode: listeners known
# from polls, but how each one ended is still exact.
MODE=
. "$(dirname "$0")/service_ends.sh"
