#!/usr/bin/env bash
# Reproduces the language-model part of docs/BENCHMARKS.md: query and load
# kernels beside libsphinxbase on the same CMU model, and training beside
# IRSTLM on the same corpus (bench/make_lm_corpus.py), whole process.
# Usage: bench/run_lm.sh [build-dir]   (after ./build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
. bench/common.sh
echo "## Language model: queries and load (one core)"
echo '```'
"$BUILD/bench/lm_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null
echo '```'
echo
echo "## Language model files"
echo '```'
ls -l /usr/share/pocketsphinx/model/en-us/en-us.lm.bin "$BUILD/model/lm.bin" | awk '{printf "%12d bytes  %s\n", $5, $9}'
echo '```'
echo
python3 bench/make_lm_corpus.py "$OUT/train.txt" "$OUT/test.txt"
sed 's/^/<s> /; s/$/ <\/s>/' "$OUT/train.txt" >"$OUT/train.se"
MB=$(python3 -c "import os; print(f'{os.path.getsize(\"$OUT/train.txt\")/1e6:.1f}')")
echo "## Training: WordNet glosses, $MB MB, $(wc -l <"$OUT/train.txt") lines, one core (taskset -c 0; GNU time)"
echo '```'
for n in 3 5; do
  timed "baseline: IRSTLM tlm -lm=ikn -ps=no, order $n" "$MB" /dev/null \
    /usr/lib/irstlm/bin/tlm -tr="$OUT/train.se" -n=$n -lm=ikn -ps=no -o="$OUT/irst$n.arpa"
  timed "unspin lm train --order $n" "$MB" /dev/null \
    "$BUILD/unspin" lm train "$OUT/train.txt" -o "$OUT/ours$n.lm" --order $n --tokens whitespace
done
timed "unspin lm train --order 5 --memory-mb 16 (counts spill to disk)" "$MB" /dev/null \
  "$BUILD/unspin" lm train "$OUT/train.txt" -o "$OUT/spill.lm" --order 5 --tokens whitespace --memory-mb 16
echo '```'
echo
echo "## Held-out perplexity, same evaluator (ctest lm_vs_irstlm)"
echo '```'
bash tests/lm_irstlm_test.sh "$BUILD/unspin" tests
echo '```'
