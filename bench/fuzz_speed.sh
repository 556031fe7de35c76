#!/usr/bin/env bash
# fuzz_speed.sh - execs per second of every fuzz target on this machine, and the response
# parser against a bare cJSON parse of the same inputs (fuzz_cjson_baseline: same corpus, same
# -fsanitize=fuzzer,address,undefined, same instrumented cJSON). Goal: the parser at least half
# the baseline's rate.
#
#   BENCH_SECONDS=30   fuzzing time per target (single process, -seed=1)
# Builds build-fuzz through fuzz/campaign.sh's build step when it is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"
seconds="${BENCH_SECONDS:-30}"
if [ ! -x "$build/fuzz/fuzz_cjson_baseline" ]; then
    FUZZ_SECONDS=0 FUZZ_TARGETS=spec_loader FUZZ_SMOKE=1 "$root/fuzz/campaign.sh" >/dev/null 2>&1 || true
fi
cmake --build "$build" -j "$(nproc)" >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run NAME CORPUS-NAME -> prints "exec/s cov ft" of a single-process run from a copy of the
# seeds (seed-*: regression inputs of open bugs would end the run at once)
run() {
    local bin="$build/fuzz/fuzz_$1" corpus="$work/$1"
    rm -rf "$corpus"
    mkdir -p "$corpus"
    cp "$root/corpora/$2"/seed-* "$corpus/"
    local max_len
    max_len="$(sed -n 's/^max_len *= *//p' "$root/fuzz/$2.options")"
    "$bin" -seed=1 -max_total_time="$seconds" -max_len="${max_len:-4096}" -timeout=25 \
        -rss_limit_mb=2560 -print_final_stats=1 "$corpus" >"$work/$1.log" 2>&1 || true
    local rate cov ft
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$1.log")"
    cov="$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' "$work/$1.log" | tail -n 1)"
    ft="$(sed -n 's/.* ft: \([0-9]*\) .*/\1/p' "$work/$1.log" | tail -n 1)"
    echo "${rate:-0} ${cov:-?} ${ft:-?}"
}

printf '%-22s %10s %8s %8s   (%ss each, %s, %s cores)\n' target exec/s cov ft "$seconds" \
    "$(clang --version | head -n 1 | sed 's/ (.*//')" "$(nproc)"
declare -A rate
for t in response_parser request_serializer spec_loader schema_validator mock_request; do
    read -r r c f < <(run "$t" "$t")
    rate[$t]=$r
    printf '%-22s %10s %8s %8s\n' "fuzz_$t" "$r" "$c" "$f"
done
read -r r c f < <(run cjson_baseline response_parser)
printf '%-22s %10s %8s %8s   (the response parser'"'"'s corpus)\n' fuzz_cjson_baseline "$r" "$c" "$f"
ratio="$(awk -v a="${rate[response_parser]}" -v b="$r" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
echo
echo "response parser / cJSON baseline: $ratio (goal >= 0.50)"
