#!/usr/bin/env bash
# fuzz_speed.sh - execs per second of every fuzz target of fuzz/targets.txt on this machine, and
# the response parser against a bare cJSON parse of the same inputs (the yardstick
# fuzz_cjson_baseline: same corpus, same -fsanitize=fuzzer,address,undefined, same instrumented
# cJSON), as the median of BENCH_ROUNDS runs of each of the two. Goal: the parser at least 0.8
# of the baseline's rate.
#
#   BENCH_SECONDS=30   fuzzing time per target and run (single process, -seed=1)
#   BENCH_ROUNDS=3     runs of the parser and the baseline (the ratio is of their medians)
# Builds build-fuzz through fuzz/campaign.sh's build step when it is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/fuzz/targets.sh"
build="$root/build-fuzz"
seconds="${BENCH_SECONDS:-30}"
rounds="${BENCH_ROUNDS:-3}"
goal=0.80
if [ ! -f "$build/CMakeCache.txt" ]; then
    FUZZ_SECONDS=0 FUZZ_TARGETS=spec_loader FUZZ_SMOKE=1 "$root/fuzz/campaign.sh" >/dev/null 2>&1 || true
fi
cmake --build "$build" -j "$(nproc)" >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run BIN-NAME OPTIONS-NAME CORPUS-NAME -> prints "exec/s cov ft" of a single-process run from
# a copy of the corpus without regress-* inputs (a regression of an open bug would end the run
# at once)
run() {
    local bin="$build/fuzz/fuzz_$1" corpus="$work/$1"
    rm -rf "$corpus"
    mkdir -p "$corpus"
    find "$root/corpora/$3" -maxdepth 1 -type f ! -name 'regress-*' ! -name 'crash-*' \
        -exec cp {} "$corpus/" \;
    local max_len
    max_len="$(fuzz_option "$2" max_len)"
    "$bin" -seed=1 -max_total_time="$seconds" -max_len="${max_len:-4096}" -timeout=25 \
        -rss_limit_mb=2560 -print_final_stats=1 "$corpus" >"$work/$1.log" 2>&1 || true
    local rate cov ft
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$1.log")"
    cov="$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' "$work/$1.log" | tail -n 1)"
    ft="$(sed -n 's/.* ft: \([0-9]*\) .*/\1/p' "$work/$1.log" | tail -n 1)"
    echo "${rate:-0} ${cov:-?} ${ft:-?}"
}

median() { # the median of the numbers given
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

printf '%-22s %10s %8s %8s   (%ss each, %s, %s cores)\n' target exec/s cov ft "$seconds" \
    "$(clang --version | head -n 1 | sed 's/ (.*//')" "$(nproc)"
for t in $(fuzz_targets); do
    read -r r c f < <(run "$t" "$t" "$t")
    printf '%-22s %10s %8s %8s\n' "fuzz_$t" "$r" "$c" "$f"
done

# The parser and each yardstick on the yardstick's corpus, alternately, BENCH_ROUNDS times.
while read -r stick corpus; do
    parser_rates=()
    stick_rates=()
    echo
    for ((i = 1; i <= rounds; i++)); do
        read -r r c f < <(run "$corpus" "$corpus" "$corpus")
        parser_rates+=("$r")
        printf '%-22s %10s %8s %8s   (round %s)\n' "fuzz_$corpus" "$r" "$c" "$f" "$i"
        read -r r c f < <(run "$stick" "$corpus" "$corpus")
        stick_rates+=("$r")
        printf '%-22s %10s %8s %8s   (round %s, corpora/%s)\n' "fuzz_$stick" "$r" "$c" "$f" "$i" "$corpus"
    done
    a="$(median "${parser_rates[@]}")"
    b="$(median "${stick_rates[@]}")"
    ratio="$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
    echo "fuzz_$corpus / fuzz_$stick, medians of $rounds: $a / $b = $ratio (goal >= $goal)"
done < <(fuzz_yardsticks)
