#!/usr/bin/env bash
# bench/openapi_load.sh - load time and peak memory of `conform lint` on a large OpenAPI
# document: GitHub's api.github.com description from the pinned npm package @octokit/openapi
# (13 MB of JSON, about 1,200 operations, OpenAPI 3.0.3), installed with `npm ci` into
# build/bench-openapi. Medians of 3 runs of wall time, CPU time (user + sys) and max RSS.
# Figures only; the target is under 1 s and under 200 MiB. Also prints the same for the
# document converted to YAML when python3 has PyYAML (the YAML path: libyaml).
set -euo pipefail
cd "$(dirname "$0")/.."
conform=build/conform
[ -x "$conform" ] || { echo "build first: make build" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 2; }
dir=build/bench-openapi
doc=$dir/node_modules/@octokit/openapi/generated/api.github.com.json
if [ ! -f "$doc" ]; then
  mkdir -p "$dir"
  cp bench/openapi/package.json bench/openapi/package-lock.json "$dir/"
  npm ci --no-audit --no-fund --prefix "$dir" >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure FILE LABEL: three runs, medians printed.
measure() {
  local file=$1 label=$2
  for i in 1 2 3; do
    /usr/bin/time -o "$work/t$i" -f "%e %U %S %M" "$conform" lint "$file" >"$work/out" 2>&1 ||
      { cat "$work/out" >&2; echo "conform lint failed on $file" >&2; exit 1; }
  done
  python3 - "$label" "$file" "$work"/t1 "$work"/t2 "$work"/t3 "$work/out" <<'PY'
import os, statistics, sys
label, path, outs = sys.argv[1], sys.argv[2], sys.argv[3:6]
rows = [list(map(float, open(p).read().split()[-4:])) for p in outs]
wall = statistics.median(r[0] for r in rows)
cpu = statistics.median(r[1] + r[2] for r in rows)
rss = statistics.median(r[3] for r in rows) / 1024
print(f"{label}: {os.path.getsize(path) / 1e6:.1f} MB, {open(sys.argv[6]).read().strip()}")
print(f"  median of 3: {wall:.2f} s wall, {cpu:.2f} s CPU (user+sys), {rss:.0f} MiB max RSS")
PY
}

measure "$doc" "api.github.com.json (JSON)"
if python3 -c "import yaml" 2>/dev/null; then
  python3 -c "import json, sys, yaml; yaml.safe_dump(json.load(open(sys.argv[1])), open(sys.argv[2], 'w'), sort_keys=False)" \
    "$doc" "$work/api.github.com.yaml"
  measure "$work/api.github.com.yaml" "api.github.com.yaml (the same as YAML)"
fi
