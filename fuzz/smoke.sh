#!/usr/bin/env bash
# smoke.sh - a short fuzzing pass: builds build-fuzz with clang if needed, runs every target
# for FUZZ_SECONDS (default 15) from the committed seeds in a scratch corpus, and fails on any
# crash, leak, timeout or out-of-memory (inputs and log in reports/fuzz/smoke/<name>/).
set -euo pipefail
export FUZZ_SECONDS="${FUZZ_SECONDS:-15}"
export FUZZ_SMOKE=1
exec "$(dirname "$0")/campaign.sh"
