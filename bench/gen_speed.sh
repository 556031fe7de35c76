#!/usr/bin/env bash
# gen_speed.sh - how long generating the cases `conform run` adds (--generate all) takes for the
# bundled Connect Participant suites (the service's 11 operations and the two StartAttachmentUpload
# specs), and how many cases each operation gets. Goal: the whole contract in under 50 ms.
#
#   GEN_ROUNDS=21   runs of the whole generation; the median is printed
# Builds build/ (plain, optimised as the default build is) when its library is missing, then
# compiles bench/gen_speed.c against it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
rounds="${GEN_ROUNDS:-21}"
if [ ! -f "$build/harness/libconform_core.a" ]; then
    cmake -S "$root" -B "$build" >/dev/null
fi
cmake --build "$build" --target conform_core -j 2 >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2046
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I"$root/harness" -o "$work/gen_speed" \
    "$root/bench/gen_speed.c" "$build/harness/libconform_core.a" \
    $(pkg-config --libs libcjson libcurl libmicrohttpd libpcre2-8 yaml-0.1) -lpthread -lm
specs="$root/specs/connect-participant"
"$work/gen_speed" "$rounds" "$specs/service.json" "$specs/start-attachment-upload.json" \
    "$specs/start-attachment-upload.aws.json"
