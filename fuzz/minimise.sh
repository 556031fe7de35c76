#!/usr/bin/env bash
# minimise.sh - shrinks committed corpora to the inputs that add coverage: libFuzzer's -merge=1
# of corpora/<name>/ (every target of fuzz/targets.txt, or those named as arguments) with the
# build-fuzz/ binaries, keeping the kept inputs under their own names. Committed corpora keep
# every edge (-use_counters=0: hit counts do not make an input worth keeping; a campaign's
# working corpus keeps them). regress-* and crash-* inputs always stay: they are replayed
# regressions, not coverage.
#   fuzz/minimise.sh [NAME...]      (build-fuzz/ first: fuzz/smoke.sh or fuzz/campaign.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/fuzz/targets.sh"
build="$root/build-fuzz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
names=("$@")
[ "${#names[@]}" -gt 0 ] || mapfile -t names < <(fuzz_targets)
for name in "${names[@]}"; do
    bin="$build/fuzz/fuzz_$name"
    corpus="$root/corpora/$name"
    [ -x "$bin" ] || { echo "minimise: no $bin (build build-fuzz first)" >&2; exit 2; }
    rm -rf "$work/merged"
    mkdir -p "$work/merged"
    max_len="$(fuzz_option "$name" max_len)"
    "$bin" -merge=1 -use_counters=0 -max_len="${max_len:-4096}" -timeout=25 -rss_limit_mb=2560 \
        "$work/merged" "$corpus" >"$work/merge.log" 2>&1 || {
        tail -n 20 "$work/merge.log" >&2
        exit 1
    }
    # -merge=1 names what it keeps by the SHA-1 of its bytes.
    keep="$(ls "$work/merged")"
    before="$(ls "$corpus" | wc -l)"
    for f in "$corpus"/*; do
        case "$(basename "$f")" in regress-* | crash-*) continue ;; esac
        grep -qxF "$(sha1sum <"$f" | cut -d' ' -f1)" <<<"$keep" || rm -f "$f"
    done
    echo "minimise: $name: $before -> $(ls "$corpus" | wc -l) inputs, $(du -sh "$corpus" | cut -f1)"
done
