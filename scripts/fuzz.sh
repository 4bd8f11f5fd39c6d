#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/, and runs each for SECONDS
# (default 60) from the seeds in fuzz/corpus/ plus what earlier runs found
# (build-fuzz/corpus/). A crash stops the run; its input is saved as
# build-fuzz/crashes/<target>-crash-<hash> to become a regression test.
# The API target needs the default model (./build.sh makes build/model).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (targets: text jsonl api)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(text jsonl api)
CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUNSPIN_FUZZ=ON \
  -DUNSPIN_SANITIZE=ON -DUNSPIN_BUILD_TESTS=OFF -DUNSPIN_BUILD_BENCHMARKS=OFF -DUNSPIN_BUILD_PYTHON=OFF >/dev/null
cmake --build build-fuzz --target "${TARGETS[@]/%/_fuzz}"
mkdir -p build-fuzz/crashes
export UNSPIN_MODEL=${UNSPIN_MODEL:-$PWD/build/model}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${TARGETS[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  echo "== $t: $SECONDS_EACH s"
  "build-fuzz/fuzz/${t}_fuzz" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="build-fuzz/crashes/$t-" -print_final_stats=1 "build-fuzz/corpus/$t" "fuzz/corpus/$t" 2>&1 |
    grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|.*check failed)" || true
  if ls "build-fuzz/crashes/$t-"* >/dev/null 2>&1; then
    echo "fuzz: $t found a crash: $(ls "build-fuzz/crashes/$t-"*)" >&2
    exit 1
  fi
done
