#!/usr/bin/env bash
# campaign.sh - a libFuzzer campaign over every target (`make fuzz`).
#
#   FUZZ_SECONDS=600   time per target (default 600)
#   FUZZ_JOBS=N        parallel fuzzing processes per target (default: nproc, libFuzzer -fork)
#   FUZZ_TARGETS="response_parser mock_request"   a subset (default: all of fuzz/targets.txt)
#   FUZZ_SMOKE=1       start from the committed seeds in a scratch corpus, keep nothing
#   CONFORM_FUZZ_PACKAGED_CJSON=1  fuzz against the packaged libcjson (no coverage or ASan
#                                  inside cJSON) when Debian's source package cannot be fetched
#
# Builds build-fuzz (clang, -fsanitize=fuzzer,address,undefined, cJSON compiled from Debian's
# source package) when needed, then runs each target on its working corpus
# build-fuzz/corpus/<name> (seeded from corpora/<name>), merges what the run found back into it
# (minimised with -merge=1), and writes findings to reports/fuzz/<name>/: each crash-*, leak-*,
# timeout-* or oom-* file gets a <file>.cmd with the command that reproduces it. To keep a
# finding as a regression once fixed, copy it into corpora/<name>/.
# Exit status: 0 no new finding, 1 new findings (all are listed at the end), 2 build or usage
# error.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/fuzz/targets.sh"
build="$root/build-fuzz"
seconds="${FUZZ_SECONDS:-600}"
jobs="${FUZZ_JOBS:-$(nproc)}"
targets="${FUZZ_TARGETS:-$(fuzz_targets)}"
smoke="${FUZZ_SMOKE:-0}"
say() { echo "campaign: $*" >&2; }

# ---- build ------------------------------------------------------------------------------------
if ! command -v clang >/dev/null; then
    say "clang is needed (apt-get install clang libclang-rt-14-dev)"
    exit 2
fi
cjson_flag=()
if [ "${CONFORM_FUZZ_PACKAGED_CJSON:-0}" = 1 ]; then
    say "using the packaged libcjson: no coverage or sanitizers inside cJSON"
    cjson_flag=(-DCONFORM_CJSON_SOURCE=)
elif cjson_dir="$("$root/fuzz/fetch_cjson.sh" "$build/cjson-src")"; then
    cjson_flag=(-DCONFORM_CJSON_SOURCE="$cjson_dir")
else
    say "cannot fetch Debian's cJSON source (see above); set CONFORM_FUZZ_PACKAGED_CJSON=1 to"
    say "fuzz against the uninstrumented packaged library instead"
    exit 2
fi
if [ ! -f "$build/CMakeCache.txt" ] || ! grep -q '^CONFORM_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
    CC=clang cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCONFORM_FUZZ=ON \
        -DCONFORM_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo "${cjson_flag[@]}" >/dev/null
fi
cmake --build "$build" -j "$jobs" >/dev/null || {
    say "build failed: cmake --build $build"
    exit 2
}

# ---- run --------------------------------------------------------------------------------------
findings=()
summary=()
new_total=0
scratch=""
if [ "$smoke" = 1 ]; then
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
fi
for name in $targets; do
    bin="$build/fuzz/fuzz_$name"
    [ -x "$bin" ] || { say "no target $bin"; exit 2; }
    out="$root/reports/fuzz/$name"
    mkdir -p "$out"
    if [ "$smoke" = 1 ]; then
        corpus="$scratch/$name"
        out="$root/reports/fuzz/smoke/$name"
        rm -rf "$out"
        mkdir -p "$out"
    else
        corpus="$build/corpus/$name"
    fi
    mkdir -p "$corpus"
    cp -n "$root/corpora/$name"/* "$corpus/" 2>/dev/null || true
    max_len="$(fuzz_option "$name" max_len)"
    timeout="$(fuzz_option "$name" timeout)"
    dict="$(fuzz_dict "$name")"
    [ -f "$dict" ] || { say "$name: fuzz/fuzz_$name.options names no dictionary that exists"; exit 2; }
    args=(-dict="$dict" -max_len="${max_len:-4096}" -timeout="${timeout:-25}"
          -rss_limit_mb=2560 -max_total_time="$seconds" -print_final_stats=1
          -artifact_prefix="$out/")
    # Fork mode (even with one job) goes on after a finding, so one bug does not end the run.
    args+=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    say "$name: ${seconds}s on $jobs job(s), corpus $corpus ($(ls "$corpus" | wc -l) inputs)"
    before="$(ls "$out" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | grep -v '\.cmd$' | sort || true)"
    log="$out/fuzz.log"
    # The committed inputs first, plainly: an open regression is reported at once, every time
    # (fork mode may not get to it).
    (cd "$out" && "$bin" -runs=0 -timeout="${timeout:-25}" -rss_limit_mb=2560 \
        -artifact_prefix="$out/" "$root/corpora/$name" >"$out/replay.log" 2>&1) || true
    (cd "$out" && "$bin" "${args[@]}" "$corpus" >"$log" 2>&1) || true
    # The last status line: "#N ... cov: C ft: F ... exec/s: E" ("exec/s E" with -fork).
    last="$(grep -E '(cov|ft): [0-9]+' "$log" | tail -n 1 || true)"
    cov="$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")"
    ft="$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")"
    execs="$(sed -n 's/.*exec\/s:\{0,1\} \([0-9]*\).*/\1/p' <<<"$last")"

    if [ "$smoke" != 1 ]; then
        # Keep only inputs that add coverage: merge the grown corpus into a fresh one.
        merged="$corpus.merged"
        rm -rf "$merged"
        mkdir -p "$merged"
        if "$bin" -merge=1 -max_len="${max_len:-4096}" -timeout="${timeout:-25}" \
            -rss_limit_mb=2560 "$merged" "$corpus" >"$out/merge.log" 2>&1; then
            rm -rf "$corpus"
            mv "$merged" "$corpus"
        else
            rm -rf "$merged"
            say "$name: merge failed, corpus kept as is (see $out/merge.log)"
        fi
    fi

    new=0
    for f in "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-*; do
        [ -f "$f" ] || continue
        case "$f" in *.cmd) continue ;; esac
        if ! grep -qxF "$(basename "$f")" <<<"$before"; then
            new=$((new + 1))
            new_total=$((new_total + 1))
        fi
        printf '%s\n' "# reproduce (from the repository root, after fuzz/campaign.sh built build-fuzz):" \
            "build-fuzz/fuzz/fuzz_$name ${f#"$root"/}" \
            "# or without libFuzzer, any compiler: build/tests/replay_$name ${f#"$root"/}" \
            >"$f.cmd"
        findings+=("$f")
    done
    summary+=("$(printf '%-20s cov %-6s ft %-7s exec/s %-8s corpus %-6s new findings %s' \
        "$name" "${cov:-?}" "${ft:-?}" "${execs:-?}" "$(ls "$corpus" | wc -l)" "$new")")
    if [ "$smoke" != 1 ] && ls "$out" | grep -qE '^(crash|leak|timeout|oom)-'; then
        cat >"$out/README" <<EOF
Findings of fuzz_$name. Each file is an input; <file>.cmd says how to reproduce it.
The log of the last campaign is fuzz.log. Once a finding is fixed, copy the input into
corpora/$name/ (as regress-<what>) so every test run replays it.
EOF
    fi
done

echo
for line in "${summary[@]}"; do echo "$line"; done
if [ "${#findings[@]}" -gt 0 ]; then
    echo
    echo "findings (${#findings[@]}, $new_total new):"
    for f in "${findings[@]}"; do echo "  $f"; done
    if [ "$smoke" = 1 ]; then
        for f in "${findings[@]}"; do
            echo "--- $(basename "$f")"
            "$build/fuzz/fuzz_$(basename "$(dirname "$f")")" "$f" 2>&1 |
                grep -m 3 -E 'runtime error|ERROR: [A-Za-z]|SUMMARY:|^fuzz_[a-z_]+: [a-z]' || true
        done
    fi
    [ "$new_total" -gt 0 ] && exit 1
    echo "no new findings"
    exit 0
fi
echo "no findings"
