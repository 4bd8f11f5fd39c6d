#!/usr/bin/env bash
# Reproduces the screening part of docs/BENCHMARKS.md: whole processes on
# one core (taskset -c 0), each beside the perplexity detector and the full
# `detect --jsonl` on the same records in the same run.
#   clean: the 3,598 Brown documents of both evaluation halves, as written;
#   5 % spun: the same documents with every 20th spun (the built-in
#     profiles in turn, rates 0.1, 0.2, 0.3 in turn);
# then the screen kernels (Google Benchmark, 1,000-word documents).
# Usage: bench/run_screen.sh [build-dir]   (after ./build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
. bench/common.sh
cat "$BUILD/eval/brown-test.jsonl" "$BUILD/eval/brown-calibration.jsonl" >"$OUT/clean.jsonl"
# Every 20th record spun, profile and rate in turn; the others as they are.
python3 - "$OUT/clean.jsonl" "$OUT" <<'PY'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
with open(f"{sys.argv[2]}/to-spin.txt", "w") as f:
    for i, r in enumerate(records):
        if i % 20 == 0:
            f.write(json.dumps({"id": r["id"], "text": r["text"]}) + "\n")
with open(f"{sys.argv[2]}/clean.txt", "w") as f:  # the perplexity baseline reads a line per document
    for r in records:
        f.write(r["text"].replace("\n", " ") + "\n")
PY
profiles="naive phrase careful loose mythes wordnet moby table"
k=0
: >"$OUT/spun-part.jsonl"
while IFS= read -r line; do
  set -- $profiles
  shift $((k % 8))
  profile=$1
  rate=$(echo "0.1 0.2 0.3" | cut -d' ' -f$((k % 3 + 1)))
  printf '%s\n' "$line" | "$BUILD/unspin" spin --jsonl --profile "$profile" --rate "$rate" --seed $((k + 1)) >>"$OUT/spun-part.jsonl"
  k=$((k + 1))
done <"$OUT/to-spin.txt"
python3 - "$OUT/clean.jsonl" "$OUT/spun-part.jsonl" "$OUT/mixed.jsonl" <<'PY'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
spun = [json.loads(line) for line in open(sys.argv[2])]
with open(sys.argv[3], "w") as f:
    s = iter(spun)
    for i, r in enumerate(records):
        text = next(s)["text"] if i % 20 == 0 else r["text"]
        f.write(json.dumps({"id": r["id"], "text": text}) + "\n")
PY
text_mb() { python3 -c "import json, sys; print(f'{sum(len(json.loads(l)[\"text\"].encode()) for l in open(sys.argv[1])) / 1e6:.2f}')" "$1"; }
cleared() { python3 -c "import json, sys; r = [json.loads(l) for l in open(sys.argv[1])]; print(f'{sum(x.get(\"screened\") == \"clear\" for x in r)} of {len(r)} cleared')" "$OUT/last.jsonl"; }
MB=$(text_mb "$OUT/clean.jsonl")
MIXED=$(text_mb "$OUT/mixed.jsonl")
echo "## Screening: whole process, one core (taskset -c 0; GNU time)"
echo
echo "Clean prose: $(wc -l <"$OUT/clean.jsonl") Brown documents, $MB MB of text."
echo '```'
timed "baseline: unspin lm perplexity (a line per document)" "$MB" "$OUT/last.jsonl" "$BUILD/unspin" lm perplexity "$OUT/clean.txt"
timed "unspin detect --jsonl (the decoder on every document)" "$MB" "$OUT/last.jsonl" "$BUILD/unspin" detect --jsonl "$OUT/clean.jsonl"
timed "unspin screen --jsonl" "$MB" "$OUT/last.jsonl" "$BUILD/unspin" screen --jsonl "$OUT/clean.jsonl"
echo "  ($(cleared))"
timed "unspin model info (start-up: model load)" "0" "$OUT/last.jsonl" "$BUILD/unspin" model info
echo '```'
echo
echo "5 % spun: the same documents, every 20th spun, $MIXED MB of text."
echo '```'
timed "unspin detect --jsonl (the decoder on every document)" "$MIXED" "$OUT/last.jsonl" "$BUILD/unspin" detect --jsonl "$OUT/mixed.jsonl"
cp "$OUT/last.jsonl" "$OUT/mixed-detect.jsonl"
timed "unspin screen --jsonl (two stages)" "$MIXED" "$OUT/last.jsonl" "$BUILD/unspin" screen --jsonl "$OUT/mixed.jsonl"
echo "  ($(cleared))"
python3 - "$OUT/mixed-detect.jsonl" "$OUT/last.jsonl" <<'PY'
import json, sys
full = [json.loads(l) for l in open(sys.argv[1])]
two = [json.loads(l) for l in open(sys.argv[2])]
flagged = [i for i, r in enumerate(full) if r.get("spun")]
passed = sum(two[i]["screened"] == "passed" for i in flagged)
print(f"  (of the {len(flagged)} documents detect calls spun, {passed} passed on by the screen)")
PY
echo '```'
echo
echo "## Screen kernels: documents of about 1,000 words, one core"
echo '```'
"$BUILD/bench/decode_bench" --benchmark_filter='Screen|Perplexity|DetectRestore1000Words/' 2>/dev/null
echo '```'
