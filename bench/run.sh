#!/usr/bin/env bash
# bench/run.sh - prints conform's speed figures: wall time of the main job, requests/s of the
# runner against the embedded mock at several --jobs levels, schema validations/s next to ajv
# (bench/schema_speed.sh; needs node), then bench/scale.sh (the runner and the mock at the
# machine's limit; BENCH_SCALE=0 skips it). Figures only; nothing asserts.
set -euo pipefail
cd "$(dirname "$0")/.."
conform=build/conform
[ -x "$conform" ] || { echo "build first: make build" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== main job (make run's command): both bundled specs against the embedded mock"
for i in 1 2 3; do
  /usr/bin/time -f "run $i: %e s wall, %M KiB max RSS" \
    "$conform" run --quiet --report-dir "$work/r" specs/connect-participant >/dev/null
done

# A bigger load: every single-request case of the AWS spec, 40 times over, with fresh ids.
python3 bench/make_load_spec.py specs/connect-participant/start-attachment-upload.aws.json 40 \
  >"$work/load.json"
cases=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['cases']))" "$work/load.json")
echo
echo "== runner throughput against the embedded mock ($cases cases)"
for jobs in 1 8 32; do
  "$conform" run --quiet --generate none --jobs "$jobs" --report-dir "$work/r$jobs" "$work/load.json" >/dev/null || true
  python3 - "$work/r$jobs/report.json" "$jobs" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["stats"]
rate = s["requests"] / (s["duration_ms"] / 1000.0) if s["duration_ms"] else 0
print(f"--jobs {sys.argv[2]:>2}: {s['requests']} requests in {s['duration_ms']:.0f} ms = {rate:,.0f} req/s "
      f"({s['passed']} passed, {s['failed']} failed)")
PY
done

echo
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  bench/schema_speed.sh
else
  echo "== schema validation vs ajv: skipped (needs node and npm)"
fi

if [ "${BENCH_SCALE:-1}" = 1 ]; then
  echo
  bench/scale.sh
fi

if [ -x bench/fuzz_speed.sh ] && [ "${BENCH_FUZZ:-0}" = 1 ]; then
  echo
  bench/fuzz_speed.sh
fi
