#!/usr/bin/env bash
# bench/same_reports.sh OLD NEW - whether two conform binaries write the same reports and
# console output, timings, timestamps and generated ids aside: a performance change must not
# change them. Three runs each, all with --jobs 1 so that the order is fixed:
#   load  300 copies of the example case, twice (--repeat 2), against `OLD serve`;
#   main  the bundled specs/connect-participant suite against its embedded mock;
#   fault the attachment spec's positive cases against a mock that fails 30% of its answers
#         (seeded), with --record-all.
# The fault run's idempotency.concurrent-duplicates case sends eight copies at once: which
# copy the fault hits is a race, so its lines are left out of the comparison.
# Prints one line per file ("same" or the first differing lines); exit 1 when any differs.
# Needs: python3.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: bench/same_reports.sh OLD_BINARY NEW_BINARY" >&2; exit 2; }
old=$(realpath "$1")
new=$(realpath "$2")
spec=specs/connect-participant/start-attachment-upload.json
serve_port=${SAME_SERVE_PORT:-18191}
fault_port=${SAME_FAULT_PORT:-18192}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

python3 bench/make_load_spec.py "$spec" 300 positive.example >"$work/load.json"
"$old" serve --spec "$spec" --port "$serve_port" >/dev/null 2>&1 &
pids+=($!)
"$old" serve --spec "$spec" --port "$fault_port" --fault error-rate=0.3 --seed 7 >/dev/null 2>&1 &
pids+=($!)
sleep 1

# Every run writes into the same folder, so paths printed in the output agree too.
runs() {
  local bin=$1 out=$2 dir="$work/reports"
  rm -rf "$dir" && mkdir -p "$dir" "$out"
  set +e
  "$bin" run --jobs 1 --generate none --target "http://127.0.0.1:$serve_port" --repeat 2 \
    --report-dir "$dir/load" "$work/load.json" >"$dir/load.out" 2>&1
  echo "exit $?" >>"$dir/load.out"
  "$bin" run --jobs 1 --report-dir "$dir/main" specs/connect-participant >"$dir/main.out" 2>&1
  echo "exit $?" >>"$dir/main.out"
  # The mock's draws depend on the order of its requests: a fresh fault mock per binary.
  "$bin" run --jobs 1 --generate positive --target "http://127.0.0.1:$fault_port" \
    --record-all "$dir/fault-record.ndjson" --report-dir "$dir/fault" "$spec" \
    >"$dir/fault.out" 2>&1
  echo "exit $?" >>"$dir/fault.out"
  set -e
  (cd "$dir" && find . -type f | sort) | while read -r f; do
    mkdir -p "$out/$(dirname "$f")"
    python3 - "$dir/$f" >"$out/$f" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
for pattern, mask in [
    (r'nonce[-=]"?[0-9a-f]+"?', "nonce"),
    (r'"(duration_ms|elapsed_ms|sent_ms|time_ms|started_ms|generated_at|started|finished)":'
     r'\s*("[^"]*"|[-0-9.eE+]+)', r'"\1":T'),
    (r'(time|timestamp)="[^"]*"', r'\1="T"'),
    (r'<td class="n">[0-9.]+<', '<td class="n">T<'),
    (r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', "UUID"),
    (r'\d{4}-\d\d-\d\dT[0-9:.]+Z?', "TS"),
    (r'X-Amz-Signature=[0-9a-f]+', "SIG"),
    (r'[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} [0-9:]{8} GMT', "DATE"),
    (r'20\d{6}', "YMD"),
    (r'[0-9]+(\.[0-9]+)? ?(ms|s|req/s)\b', r'N\2'),
]:
    text = re.sub(pattern, mask, text)
race = "concurrent-duplicates"
text = re.sub(r'<testcase[^>]*' + race + r'[^>]*/>', "", text)
text = re.sub(r'<testcase[^>]*' + race + r'[^>]*[^/]>.*?</testcase>', "", text, flags=re.S)
text = re.sub(r'<section class="group".*?</section>',
              lambda m: "" if race in m.group(0) else m.group(0), text, flags=re.S)
lines = [l for l in text.split("\n") if "burst" not in l and race not in l]
sys.stdout.write("\n".join(lines))
EOF
  done
}

runs "$old" "$work/old"
# The fault mock starts afresh, so the new binary meets the same draws.
kill "${pids[1]}" && wait "${pids[1]}" 2>/dev/null || true
"$old" serve --spec "$spec" --port "$fault_port" --fault error-rate=0.3 --seed 7 >/dev/null 2>&1 &
pids[1]=$!
sleep 1
runs "$new" "$work/new"

status=0
(cd "$work/old" && find . -type f | sort) | while read -r f; do
  if cmp -s "$work/old/$f" "$work/new/$f"; then
    echo "same    $f"
  else
    echo "DIFFERS $f"
    diff "$work/old/$f" "$work/new/$f" | head -6 | cut -c1-200 || true
  fi
done | tee "$work/verdict"
grep -q '^DIFFERS' "$work/verdict" && status=1
exit $status
