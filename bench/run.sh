#!/usr/bin/env bash
# Reproduces docs/BENCHMARKS.md: kernel benchmarks (Google Benchmark) and
# whole-process runs (hyperfine, GNU time), each beside its baseline.
# Usage: bench/run.sh [build-dir]   (after ./build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
. bench/common.sh
python3 bench/make_corpus.py "$OUT/corpus.txt" 16
export UNSPIN_BENCH_CORPUS="$OUT/corpus.txt"
echo "## Kernels (one core)"
echo '```'
"$BUILD/bench/unspin_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null
echo '```'
echo
echo "## Whole process: spin 16 MiB of prose, one core"
echo '```'
hyperfine --warmup 1 --runs 3 --export-markdown "$OUT/h.md" \
  -n "baseline: cat" "cat $OUT/corpus.txt > /dev/null" \
  -n "baseline: wc -w" "wc -w $OUT/corpus.txt > /dev/null" \
  -n "unspin spin --profile naive" "$BUILD/unspin spin --profile naive $OUT/corpus.txt > /dev/null" \
  -n "unspin spin --profile phrase" "$BUILD/unspin spin --profile phrase $OUT/corpus.txt > /dev/null" >/dev/null
cat "$OUT/h.md"
echo '```'
echo
echo "## Model load, whole process"
echo '```'
hyperfine --warmup 3 --runs 30 --export-markdown "$OUT/l.md" -N \
  -n "baseline: unspin --version" "$BUILD/unspin --version" \
  -n "unspin model info (maps and validates the lexicon)" "$BUILD/unspin model info --json" >/dev/null
cat "$OUT/l.md"
echo '```'
echo
echo "## Peak memory (GNU time, max RSS)"
echo '```'
for p in naive phrase; do
  /usr/bin/time -f "spin --profile $p, 16 MiB input: %M KB max RSS, %e s" \
    "$BUILD/unspin" spin --profile $p "$OUT/corpus.txt" >/dev/null
done 2>&1
/usr/bin/time -f "model info: %M KB max RSS" "$BUILD/unspin" model info --json 2>&1 >/dev/null
echo '```'

bench/run_lm.sh "$BUILD"
bench/run_decode.sh "$BUILD"
bench/run_screen.sh "$BUILD"
bench/run_trace.sh "$BUILD"
bench/run_serve.sh "$BUILD"
bench/run_dask.sh "$BUILD"
