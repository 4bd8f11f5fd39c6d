#!/usr/bin/env bash
# Remakes what the default model learned from real spinners, the files
# committed under data/: learned_pairs.tsv and learned_pages.tsv (unspin
# learn over the real spinner data of ../shared/realspin/), and the two sets
# of scores in channel.json (the plain documents' scores, fitted by
# `unspin eval --calibrate` on synthetic spins; the routed documents'
# scores, fitted by `unspin eval real` on the real pairs). model build
# itself never reads ../shared/: it reads these files.
#
#   scripts/learn-default.sh [REALSPIN_DIR]     (default: ../shared/realspin)
#
# Needs a built tree and the evaluation corpus (./build.sh). About 5 minutes
# on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
realspin=${1:-../shared/realspin}
unspin=build/unspin
pairs=$realspin/pages/dev.jsonl
phrases=$realspin/pps/dev.tsv
# Spinners with a fixed dictionary: the paraphrasers, translation round trips
# and language models in the same file rewrite whole sentences, and their
# "pairs" would teach nothing that recurs (docs/DECISIONS.md).
spinners=autoblog-common,spinbot-style

# Lemmas come from a lexicon without learned pairs.
$unspin model build --learned none
$unspin learn --model build/model --pairs "$pairs" --spinners "$spinners" --phrases "$phrases" \
  -o data/learned_pairs.tsv --pages data/learned_pages.tsv
$unspin model build
# The plain documents' scores, on the Brown calibration half.
$unspin eval --decoders all --calibrate build/eval/brown-calibration.jsonl --calibration-docs 1000 \
  --write-channel data/channel.json >/dev/null
$unspin model build
# The routed documents' scores, cross-fitted on the real pairs.
$unspin eval real --pairs "$pairs" --spinners "$spinners" --phrases "$phrases" --folds 5 \
  --write-channel data/channel.json >/dev/null
$unspin model build
