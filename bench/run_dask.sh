#!/usr/bin/env bash
# Reproduces the Dask part of docs/BENCHMARKS.md: the 1,778 Brown test
# documents four times over (ids made unique), split into 16 shards, screened by `python3 -m unspin.dask
# screen` (the screen, then the decoder where it passes) on a local cluster
# of 1 and of 2 single-threaded workers, and with --no-screen (the decoder
# on every document) on 2, beside the baselines of one `unspin screen
# --jsonl` and one `unspin detect --jsonl` process on the same records.
# Times are whole runs, cluster start-up (worker processes, imports, model
# load) included; the last line, a run with nothing to do, starts no cluster.
# Usage: bench/run_dask.sh [build-dir]   (after ./build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
. bench/common.sh
mkdir "$OUT/in"
python3 - "$BUILD/eval/brown-test.jsonl" "$OUT/in" <<'PY'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
lines = [json.dumps({"id": f"{r['id']}/{copy}", "text": r["text"]}) + "\n" for copy in range(4) for r in records]
for k in range(16):
    open(f"{sys.argv[2]}/part-{k:03d}.jsonl", "w").writelines(lines[k::16])
PY
RECORDS=$(cat "$OUT"/in/*.jsonl | wc -l)
MB=$(cat "$OUT"/in/*.jsonl | wc -c | awk '{printf "%.2f", $1 / 1e6}')
echo "## Dask: $RECORDS documents (the Brown test documents 4 times; $MB MB of JSONL) in 16 shards, 2 cores"
echo '```'
run() {  # label command...
  local label=$1
  shift
  /usr/bin/time -f "%e" -o "$OUT/t" "$@" >/dev/null 2>"$OUT/err" || { cat "$OUT/err" >&2; exit 1; }
  python3 -c "import sys; s = float(open(sys.argv[2]).read().split()[-1]); print(f'{sys.argv[1]:52s} {s:6.2f} s  {int(sys.argv[3]) / s:6.0f} docs/s')" \
    "$label" "$OUT/t" "$RECORDS"
}
cat "$OUT"/in/*.jsonl >"$OUT/all.jsonl"
run "baseline: unspin screen --jsonl, one process" "$BUILD/unspin" screen --jsonl "$OUT/all.jsonl"
run "baseline: unspin detect --jsonl, one process" "$BUILD/unspin" detect --jsonl "$OUT/all.jsonl"
rm -rf "$OUT/out"
PYTHONPATH="$BUILD/python" run "python3 -m unspin.dask screen --no-screen, 2 workers" \
  /usr/bin/python3 -m unspin.dask screen "$OUT/in" "$OUT/out" --workers 2 --no-screen
for workers in 1 2; do
  rm -rf "$OUT/out"
  PYTHONPATH="$BUILD/python" run "python3 -m unspin.dask screen, $workers worker(s)" \
    /usr/bin/python3 -m unspin.dask screen "$OUT/in" "$OUT/out" --workers "$workers"
done
PYTHONPATH="$BUILD/python" run "rerun with every shard finished (all skipped)" \
  /usr/bin/python3 -m unspin.dask screen "$OUT/in" "$OUT/out"
echo '```'
