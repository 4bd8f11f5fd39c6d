#!/usr/bin/env bash
# Command 1 of 2: install what is missing, build everything, build the
# default model, and run the main job on an example.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build
build/unspin model build
scripts/eval-data.sh
echo
echo "== build/unspin spin --profile phrase --rate 0.3 examples/news.txt | build/unspin detect -"
build/unspin spin --profile phrase --rate 0.3 examples/news.txt | build/unspin detect -
