#!/usr/bin/env bash
# Reproduces the trace part of docs/BENCHMARKS.md: whole-process indexing
# of the 100,000 evaluation distractors and the 1,778 Brown test documents
# (anchor shingles, and the word-shingle baseline with --shingles words),
# one process at a time; then the kernels and per-query latency on both
# indexes (bench/trace_bench.cc).
# Usage: bench/run_trace.sh [build-dir]   (after ./build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
. bench/common.sh
cat "$BUILD/eval/trace-distractors.jsonl" "$BUILD/eval/brown-test.jsonl" >"$OUT/docs.jsonl"
DOCS=$(wc -l <"$OUT/docs.jsonl")
echo "## Indexing $DOCS documents (whole process, GNU time)"
echo '```'
index() {  # label shingles
  /usr/bin/time -f "%e %M" -o "$OUT/t" "$BUILD/unspin" index add --index "$OUT/$2" --shingles "$2" --batch 5000 \
    "$OUT/docs.jsonl" >/dev/null 2>&1
  read -r secs kb <"$OUT/t"
  bytes=$(stat -c %s "$OUT/$2/index.sqlite")
  printf '%-42s %7.1f s  %6.0f docs/s  %5.0f bytes/doc  %5d MB max RSS\n' "$1" "$secs" \
    "$(python3 -c "print($DOCS/$secs)")" "$(python3 -c "print($bytes/$DOCS)")" $((kb / 1024))
}
index "baseline: word shingles (--shingles words)" words
index "anchor shingles (the default)" anchors
# Two cores: the documents split by id into two shards (docs/SCALE.md),
# one index add per shard, side by side.
python3 -c '
import json, sys, zlib
outs = [open(sys.argv[2] + f"/shard{k}.jsonl", "w") for k in (0, 1)]
for line in open(sys.argv[1]):
    outs[zlib.crc32(json.loads(line)["id"].encode()) % 2].write(line)
' "$OUT/docs.jsonl" "$OUT"
start=$(date +%s.%N)
for k in 0 1; do
  "$BUILD/unspin" index add --index "$OUT/shard$k" --batch 5000 "$OUT/shard$k.jsonl" >/dev/null 2>&1 &
done
wait
secs=$(python3 -c "import time; print(time.time() - $start)")
printf '%-42s %7.1f s  %6.0f docs/s  (2 cores, 2 shards)\n' "anchor shingles, two shards side by side" "$secs" \
  "$(python3 -c "print($DOCS/$secs)")"
echo '```'
echo
echo "## Kernels and queries (one core)"
echo '```'
UNSPIN_TRACE_INDEX="$OUT/anchors" UNSPIN_TRACE_BASELINE_INDEX="$OUT/words" "$BUILD/bench/trace_bench" 2>/dev/null
echo '```'
