#!/usr/bin/env bash
# schema_speed.sh - validations per second of conform's schema validator next to ajv 8 (a peer
# in this bench only), same schema, same valid instance, both compiled once:
#   small  the success envelope of specs/connect-participant/start-attachment-upload.json
#          (2020-12) with a StartAttachmentUpload success body
#   large  GitHub's full-repository schema inside the whole api.github.com OpenAPI 3.0 document
#          of @octokit/openapi (OpenAPI 3.0 dialect, "#/components/..." refs resolved in the
#          document) with GitHub's own example of a repository (see schema_speed.mjs)
# Each side validates for BENCH_SECONDS (default 2) after a warm-up, BENCH_RUNS times (default
# 3, alternating sides); the medians and their ratio are printed. Target: conform >= ajv on
# both. Wall-clock rates: on a shared machine run it when it is quiet.
#
# Needs node and npm: the pinned peers (bench/package-lock.json) are installed with `npm ci`
# into bench/node_modules when missing. Builds build/ (RelWithDebInfo) and a small C driver
# (bench/schema_speed.c) against libconform_core.a. Aborts when either side finds the instance
# invalid.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${BENCH_SECONDS:-2}"
runs="${BENCH_RUNS:-3}"

for tool in node npm cc cmake pkg-config; do
    command -v "$tool" >/dev/null || { echo "schema_speed: needs $tool" >&2; exit 2; }
done
if [ ! -d bench/node_modules/ajv ] || [ ! -d bench/node_modules/@octokit/openapi ]; then
    (cd bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j 2 --target conform_core >/dev/null
lib="$(find build -name libconform_core.a | head -n 1)"
[ -n "$lib" ] || { echo "schema_speed: no libconform_core.a under build/" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2046 # pkg-config prints several words
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Werror \
    -Iharness bench/schema_speed.c -o "$work/schema_speed" \
    "$lib" $(pkg-config --libs libcurl libmicrohttpd libcjson libpcre2-8) -lpthread -lm
node bench/schema_speed.mjs prepare "$work"

github=bench/node_modules/@octokit/openapi/generated/api.github.com.json
# name | driver flags | schema file | JSON Pointer | instance
cases=(
    "small||specs/connect-participant/start-attachment-upload.json|/responses/success/schema|$work/small.json"
    "large|--oas30 --document|$github|/components/schemas/full-repository|$work/large.json"
)

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# one SIDE (conform|ajv) FLAGS FILE POINTER INSTANCE -> validations per second
one() {
    local side="$1" flags="$2" out
    shift 2
    # shellcheck disable=SC2086 # flags are words
    if [ "$side" = conform ]; then
        out="$("$work/schema_speed" $flags "$@" "$seconds")" || {
            echo "schema_speed: conform rejects the $name instance; bench aborted" >&2
            exit 1
        }
    else
        out="$(node bench/schema_speed.mjs run $flags "$@" "$seconds")" || {
            echo "schema_speed: ajv rejects the $name instance; bench aborted" >&2
            exit 1
        }
    fi
    [ "${out#* }" = valid ] || { echo "schema_speed: $side: unexpected output: $out" >&2; exit 1; }
    echo "${out%% *}"
}

ajv_version="$(node -p 'require("./bench/node_modules/ajv/package.json").version')"
octokit_version="$(node -p 'require("./bench/node_modules/@octokit/openapi/package.json").version')"
printf '== schema validation: conform vs ajv %s (@octokit/openapi %s), node %s, %s cores, load %s\n' \
    "$ajv_version" "$octokit_version" "$(node --version)" "$(nproc)" \
    "$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?')"
printf '   %ss per run, median of %s runs; validations per second\n' "$seconds" "$runs"
printf '%-7s %14s %14s %8s   %s\n' schema conform ajv ratio "runs (conform / ajv)"
met=1
for c in "${cases[@]}"; do
    IFS='|' read -r name flags file pointer instance <<<"$c"
    conform=() ajv=()
    for _ in $(seq "$runs"); do
        rate="$(one conform "$flags" "$file" "$pointer" "$instance")"
        conform+=("$rate")
        rate="$(one ajv "$flags" "$file" "$pointer" "$instance")"
        ajv+=("$rate")
    done
    mc="$(median "${conform[@]}")"
    ma="$(median "${ajv[@]}")"
    ratio="$(awk -v c="$mc" -v a="$ma" 'BEGIN { printf "%.2f", a ? c / a : 0 }')"
    awk -v r="$ratio" 'BEGIN { exit !(r < 1) }' && met=0
    printf '%-7s %14s %14s %7sx   %s / %s\n' "$name" "$mc" "$ma" "$ratio" \
        "$(IFS=,; echo "${conform[*]}")" "$(IFS=,; echo "${ajv[*]}")"
done
if [ "$met" = 1 ]; then
    echo "target (conform at least as fast as ajv on both): met"
else
    echo "target (conform at least as fast as ajv on both): NOT met"
fi
