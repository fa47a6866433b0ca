#!/bin/bash
# How a service stopped (service_ends.sh) with --light: listeners known from
# polls, but how each one ended is still exact.
MODE=--light
. "$(dirname "$0")/service_ends.sh"
