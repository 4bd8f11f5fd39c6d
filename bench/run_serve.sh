#!/usr/bin/env bash
# Reproduces the serve part of docs/BENCHMARKS.md: `wrk` against
# `unspin serve` on loopback, POST /v1/detect with a short paragraph and
# with a whole spun Brown document, beside two baselines in the same run:
# GET /healthz (the HTTP layer alone) and `unspin detect --jsonl` on the
# same texts (the engine alone, one process, one core). Fails if any
# request gets an error or a non-2xx answer.
# Usage: bench/run_serve.sh [build-dir] [seconds]   (after ./build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SECS=${2:-15}
CONNECTIONS=4
OUT=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$OUT"' EXIT

# The bodies: the specimen paragraph of the tests, and the first Brown test
# document spun at rate 0.2 (texts the decoder was not calibrated on).
python3 - "$BUILD" "$OUT" <<'PY'
import json, subprocess, sys
build, out = sys.argv[1], sys.argv[2]
short = ("The talks were held in Cairo, in accordance with the Related Press information company. "
         "The most recent spherical of talks left principally ladies and youngsters without meals to outlive.")
doc = json.loads(open(f"{build}/eval/brown-test.jsonl").readline())["text"]
spun = subprocess.run([f"{build}/unspin", "spin", "--profile", "phrase", "--rate", "0.2", "--seed", "1", "-"],
                      input=doc.encode(), capture_output=True, check=True).stdout.decode()
for name, text in (("short", short), ("document", spun)):
    open(f"{out}/{name}.json", "w").write(json.dumps({"text": text}))
    with open(f"{out}/{name}.jsonl", "w") as f:
        for i in range(3000 if name == "short" else 500):
            f.write(json.dumps({"id": i, "text": text}) + "\n")
    print(f"{name}: {len(text.encode())} bytes, {len(text.split())} words", file=sys.stderr)
PY
cat >"$OUT/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
LUA

"$BUILD/unspin" serve --port 0 --workers 2 2>"$OUT/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q listening "$OUT/serve.err" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$OUT/serve.err")

echo "## serve under load: wrk on loopback, $CONNECTIONS connections, ${SECS} s each, server --workers 2 (2 cores shared with wrk)"
echo '```'
load() {  # label path [body]
  if [ -n "${3:-}" ]; then
    BODY="$3" wrk -t 1 -c "$CONNECTIONS" -d "${SECS}s" --latency -s "$OUT/post.lua" "$URL$2" >"$OUT/w" 2>&1
  else
    wrk -t 1 -c "$CONNECTIONS" -d "${SECS}s" --latency "$URL$2" >"$OUT/w" 2>&1
  fi
  if grep -qE "Non-2xx|Socket errors" "$OUT/w"; then
    cat "$OUT/w" >&2
    echo "run_serve: errors under load ($1)" >&2
    exit 1
  fi
  python3 - "$1" "$OUT/w" <<'PY'
import re, sys
label, text = sys.argv[1], open(sys.argv[2]).read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 1e-3, "ms": 1, "s": 1e3}[unit]
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
total = int(re.search(r"(\d+) requests in", text).group(1))
p50 = ms(re.search(r"50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"99%\s+(\S+)", text).group(1))
print(f"{label:44s} {rate:8.1f} req/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  {total} requests, 0 errors")
PY
}
load "baseline: GET /healthz" /healthz
load "POST /v1/detect, short paragraph" /v1/detect "$OUT/short.json"
load "POST /v1/detect, spun Brown text, 219 words" /v1/detect "$OUT/document.json"
echo '```'
echo
echo "## baseline: the engine alone, unspin detect --jsonl on the same texts (one process, one core)"
echo '```'
for name in short document; do
  n=$(wc -l <"$OUT/$name.jsonl")
  /usr/bin/time -f "%e" -o "$OUT/t" "$BUILD/unspin" detect --jsonl "$OUT/$name.jsonl" >/dev/null
  python3 -c "import sys; n, s = int(sys.argv[2]), float(open(sys.argv[3]).read().split()[-1]); print(f'{sys.argv[1]:44s} {n / s:8.1f} docs/s ({n} in {s:.2f} s, model load included)')" \
    "detect --jsonl, $name" "$n" "$OUT/t"
done
echo '```'
