#!/usr/bin/env bash
# bench/scale.sh - conform at the machine's limit, side by side in one run, medians of three:
#   wrk against `conform serve` and against a minimal libmicrohttpd server (bench/mhd_const.c,
#   a constant JSON answer), `conform run`'s req/s against the same mock and request, peak RSS
#   of a 30,000- and a 300,000-request run, report.json bytes per passing request, and whether a
#   new client is served within 1 s while 2,000 idle connections are held.
# Figures only; the targets are printed beside them, nothing asserts.
# Needs: wrk (Debian: wrk), GNU time (Debian: time), curl, python3, a C compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
conform=build/conform
[ -x "$conform" ] || { echo "build first: make build" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is missing: apt-get install time" >&2; exit 2; }
# 2,000 idle connections, and the mock's side of them, need descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 8192 2>/dev/null || true

spec=specs/connect-participant/start-attachment-upload.json
jobs=${SCALE_JOBS:-32}
seconds=${SCALE_SECONDS:-5}
serve_port=${SCALE_SERVE_PORT:-18181}
const_port=${SCALE_CONST_PORT:-18182}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/mhd_const" bench/mhd_const.c $(pkg-config --cflags --libs libmicrohttpd)
"$conform" serve --spec "$spec" --port "$serve_port" >"$work/serve.log" 2>&1 &
pids+=($!)
"$work/mhd_const" "$const_port" &
pids+=($!)
for port in "$serve_port" "$const_port"; do
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
  done
done

# The request conform run's positive.example sends, a fresh idempotency token each time.
body='{"ContentType":"text/plain","AttachmentSizeInBytes":1024,"AttachmentName":"conform-example.txt","ClientToken":"bench-%d-%d"}'
cat >"$work/req.lua" <<EOF
local n, id = 0, math.random(1, 1000000000)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["X-Amz-Bearer"] = "conform-demo-connection-token-a"
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format('$body', id, n))
end
EOF
path=/participant/start-attachment-upload
# 300 copies of positive.example: --repeat 100 is 30,000 requests, --repeat 1000 is 300,000.
python3 bench/make_load_spec.py "$spec" 300 positive.example >"$work/load.json"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
# One wrk run: prints "req/s client_cpu_us_per_request".
wrk_rate() {
  /usr/bin/time -f "%U %S" -o "$work/wcpu" \
    wrk -t1 -c"$jobs" -d"${seconds}s" -s "$work/req.lua" "http://127.0.0.1:$1$path" >"$work/wrk.out"
  awk -v cpu="$(cat "$work/wcpu")" '/^ +[0-9]+ requests in/ {n = $1}
    /Requests\/sec/ {r = $2} END {split(cpu, c, " "); printf "%s %.1f\n", r, (c[1] + c[2]) * 1e6 / n}' \
    "$work/wrk.out"
}
# One conform run: prints "req/s peak_rss_kib report_bytes requests cpu_us_per_request".
run_once() {
  local dir="$work/r$1"
  /usr/bin/time -f "%M %U %S" -o "$work/rss" "$conform" run --quiet --generate none --jobs "$jobs" \
    --target "http://127.0.0.1:$serve_port" --repeat "$1" --report-dir "$dir" "$work/load.json" \
    >/dev/null 2>&1 || true
  python3 - "$dir/report.json" $(cat "$work/rss") <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
s = d["stats"]
rate = s["requests"] / (s["duration_ms"] / 1000.0)
assert s["failed"] == 0 and s["passed"] == s["cases"], s
cpu = (float(sys.argv[3]) + float(sys.argv[4])) * 1e6 / s["requests"]
print(f"{rate:.0f} {sys.argv[2]} {os.path.getsize(sys.argv[1])} {s['requests']} {cpu:.1f}")
PY
}
# Holds 2,000 idle connections to the mock and times a new client's request.
idle_once() {
  python3 - "$serve_port" "$path" <<'PY'
import socket, subprocess, sys, time
port, path = int(sys.argv[1]), sys.argv[2]
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(2000)]
time.sleep(0.5)
body = ('{"ContentType":"text/plain","AttachmentSizeInBytes":1024,'
        '"AttachmentName":"conform-example.txt","ClientToken":"idle-%d"}' % time.time_ns())
t = time.monotonic()
out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "1",
                      "-H", "Content-Type: application/json",
                      "-H", "X-Amz-Bearer: conform-demo-connection-token-a",
                      "--data-binary", body, f"http://127.0.0.1:{port}{path}"],
                     capture_output=True, text=True).stdout
ms = (time.monotonic() - t) * 1000
print(f"{ms:.0f} {1 if out == '200' else 0}")
for s in held:
    s.close()
PY
}

serve_rates=() const_rates=() run30=() run300=() idle=()
for i in 1 2 3; do
  serve_rates+=("$(wrk_rate "$serve_port")")
  const_rates+=("$(wrk_rate "$const_port")")
  run30+=("$(run_once 100)")
  run300+=("$(run_once 1000)")
  idle+=("$(idle_once)")
  sleep 1
done

col() { local k=$1; shift; printf '%s\n' "$@" | awk -v k="$k" '{print $k}'; }
wrk_serve=$(col 1 "${serve_rates[@]}" | median)
wrk_const=$(col 1 "${const_rates[@]}" | median)
wrk_cpu=$(col 2 "${serve_rates[@]}" | median)
run_cpu=$(col 5 "${run30[@]}" | median)
run_rate=$(col 1 "${run30[@]}" | median)
rss30=$(col 2 "${run30[@]}" | median)
rss300=$(col 2 "${run300[@]}" | median)
bytes=$(col 3 "${run30[@]}" | median)
reqs=$(col 4 "${run30[@]}" | median)
idle_ms=$(col 1 "${idle[@]}" | median)
idle_ok=$(col 2 "${idle[@]}" | awk '{s += $1} END {print s}')

python3 - "$wrk_serve" "$wrk_const" "$run_rate" "$rss30" "$rss300" "$bytes" "$reqs" "$idle_ms" \
  "$idle_ok" "$jobs" "$seconds" "$wrk_cpu" "$run_cpu" \
  "$(col 1 "${serve_rates[@]}" | tr '\n' ' ')" "$(col 1 "${const_rates[@]}" | tr '\n' ' ')" \
  "$(col 1 "${run30[@]}" | tr '\n' ' ')" \
  "$(col 2 "${run30[@]}" | tr '\n' ' ')" "$(col 2 "${run300[@]}" | tr '\n' ' ')" "$(col 1 "${idle[@]}" | tr '\n' ' ')" <<'PY'
import sys
(ws, wc, rr, r30, r300, b, n, ims, iok, jobs, secs, wcpu, rcpu) = sys.argv[1:14]
raw = sys.argv[14:]
ws, wc, rr, r30, r300, b, n, ims = map(float, (ws, wc, rr, r30, r300, b, n, ims))
ok = lambda c: "met" if c else "NOT met"
print(f"== conform at the machine's limit (medians of 3; --jobs / wrk -c {jobs}, wrk -t1 {secs} s)")
print(f"{'figure':<52} {'value':>14}  target")
print(f"{'wrk -> conform serve (req/s)':<52} {ws:>14,.0f}")
print(f"{'wrk -> minimal libmicrohttpd server (req/s)':<52} {wc:>14,.0f}")
print(f"{'conform serve / minimal server':<52} {ws / wc:>14.2f}  >= 0.70 {ok(ws / wc >= 0.7)}")
print(f"{'conform run -> conform serve (req/s, 30k run)':<52} {rr:>14,.0f}")
print(f"{'conform run / wrk on the same mock':<52} {rr / ws:>14.2f}  >= 0.50 {ok(rr / ws >= 0.5)}")
print(f"{'client CPU per request, wrk / conform run (us)':<52} {float(wcpu):>6.1f} / {float(rcpu):<6.1f}"
      "  (load-independent: what each client spends)")
print(f"{'peak RSS, 30,000 requests (MiB)':<52} {r30 / 1024:>14.1f}  <= 64 {ok(r30 / 1024 <= 64)}")
print(f"{'peak RSS, 300,000 requests (MiB)':<52} {r300 / 1024:>14.1f}  within 10% of 30k "
      f"{ok(r300 <= r30 * 1.10)}")
print(f"{'report.json bytes per passing request':<52} {b / n:>14.0f}")
print(f"{'new client, 2,000 idle connections held (ms, served)':<52} {ims:>10.0f} {iok}/3  "
      f"served within 1 s {ok(int(iok) == 3 and ims < 1000)}")
print("raw runs: wrk serve [%s] | wrk minimal [%s] | run req/s [%s] | RSS KiB 30k [%s] 300k [%s]"
      " | idle ms [%s]" % tuple(x.strip() for x in raw))
PY
