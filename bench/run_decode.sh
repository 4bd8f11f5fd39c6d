#!/usr/bin/env bash
# Reproduces the decoder part of docs/BENCHMARKS.md: per-document latency
# kernels beside the perplexity baseline (Google Benchmark), and whole
# processes on the Brown test text spun with the phrase profile at rate
# 0.2: detect+restore beside `unspin lm perplexity` (the baseline detector)
# on the same file, and a 50 MB document.
# Usage: bench/run_decode.sh [build-dir]   (after ./build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
. bench/common.sh
echo "## Decoder: documents of about 1,000 words (one core)"
echo '```'
"$BUILD/bench/decode_bench" 2>/dev/null
echo '```'
echo
python3 -c '
import json, sys
with open(sys.argv[2], "w") as out:
    for line in open(sys.argv[1]):
        r = json.loads(line)
        if r["id"].startswith(("ca", "cb", "cc")):  # press: reportage, editorial, reviews
            out.write(r["text"] + "\n")
' "$BUILD/eval/brown-test.jsonl" "$OUT/news.txt"
"$BUILD/unspin" spin --profile phrase --rate 0.2 --seed 1 "$OUT/news.txt" >"$OUT/spun.txt"
python3 -c '
import sys
text = open(sys.argv[1]).read()
with open(sys.argv[2], "w") as f:
    for _ in range(50 * 1000 * 1000 // len(text) + 1): f.write(text)
' "$OUT/spun.txt" "$OUT/big.txt"
MB=$(python3 -c "import os; print(f'{os.path.getsize(\"$OUT/spun.txt\")/1e6:.2f}')")
BIG=$(python3 -c "import os; print(f'{os.path.getsize(\"$OUT/big.txt\")/1e6:.1f}')")
echo "## Whole process: Brown press text (test half), spun, $MB MB; one core (taskset -c 0; GNU time)"
echo '```'
timed "baseline: unspin lm perplexity (the perplexity detector)" "$MB" /dev/null "$BUILD/unspin" lm perplexity "$OUT/spun.txt"
timed "unspin restore" "$MB" /dev/null "$BUILD/unspin" restore "$OUT/spun.txt"
timed "unspin detect --json" "$MB" /dev/null "$BUILD/unspin" detect --json "$OUT/spun.txt"
timed "unspin restore, one $BIG MB document (the same text repeated)" "$BIG" /dev/null "$BUILD/unspin" restore "$OUT/big.txt"
echo '```'
