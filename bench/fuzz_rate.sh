#!/usr/bin/env bash
# bench/fuzz_rate.sh - requests/s of `conform fuzz` against `conform serve`, beside the
# requests/s `conform run` reaches against the same mock (goal: fuzz at least half of run).
# Figures only; nothing asserts.
#
#   BENCH_SECONDS=10   length of the fuzz campaign
#   BENCH_JOBS=8       --jobs of both
#   BENCH_SPEC=...     any FILE both take (default: the service suite over every operation)
#   BENCH_REPEAT=10    --repeat of `conform run` (its hand-written and generated cases)
set -euo pipefail
cd "$(dirname "$0")/.."
conform=build/conform
[ -x "$conform" ] || { echo "build first: make build" >&2; exit 2; }
seconds="${BENCH_SECONDS:-10}"
jobs="${BENCH_JOBS:-8}"
spec="${BENCH_SPEC:-specs/connect-participant/service.json}"
repeat="${BENCH_REPEAT:-10}"
work=$(mktemp -d)
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$conform" serve --spec "$spec" --port 0 >"$work/serve.out" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$work/serve.out" && break
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/serve.out")
[ -n "$url" ] || { echo "conform serve did not start: $(cat "$work/serve.out")" >&2; exit 1; }

# conform run: every case of FILE, hand-written and generated (scenarios too), $repeat times over
# with fresh tokens each time.
"$conform" run --quiet --jobs "$jobs" --repeat "$repeat" --target "$url" --report-dir "$work/run" \
  "$spec" >/dev/null || true
run_rate=$(python3 - "$work/run/report.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["stats"]
print(f"{s['requests'] / (s['duration_ms'] / 1000.0):.0f} {s['requests']} {s['duration_ms']:.0f}")
PY
)

"$conform" fuzz --quiet --jobs "$jobs" --duration "$seconds" --target "$url" \
  --report-dir "$work/fuzz" "$spec" >/dev/null || true
fuzz_rate=$(python3 - "$work/fuzz/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"{s['requests_per_s']:.0f} {s['requests']:.0f} {s['duration_ms']:.0f} {len(s['findings'])} "
      f"{s['operations']:.0f}")
PY
)

read -r rr rn rd <<<"$run_rate"
read -r fr fn fd ff fo <<<"$fuzz_rate"
echo "== requests/s against conform serve ($spec, --jobs $jobs, $(nproc) cores)"
printf 'conform run : %8s req/s  (%s requests in %s ms)\n' "$rr" "$rn" "$rd"
printf 'conform fuzz: %8s req/s  (%s requests in %s ms over %s operations, %s findings)\n' \
  "$fr" "$fn" "$fd" "$fo" "$ff"
awk -v f="$fr" -v r="$rr" 'BEGIN { printf "fuzz / run = %.2f (goal >= 0.50)\n", r ? f / r : 0 }'
