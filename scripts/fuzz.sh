#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/, and runs each for SECONDS
# (default 60) from its seeds (fuzz/corpus/<target>/, plus binary seeds in
# the current formats that make_seeds writes, plus a trace index that
# `unspin index add` writes) and what earlier runs found
# (<build>/corpus/<target>/). A crash stops the run; its input is saved
# as <build>/crashes/<target>-crash-<hash> to become a regression test.
# The api and index targets need the default model (./build.sh makes
# build/model; UNSPIN_MODEL overrides).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#   targets: text jsonl api screen lexicon lm arpa sphinx index report (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(text jsonl api screen lexicon lm arpa sphinx index report)
# UNSPIN_FUZZ_BUILD names a build already configured with UNSPIN_FUZZ=ON
# (./test.sh uses its clang sanitizer build); otherwise build-fuzz/ is made.
BUILD=${UNSPIN_FUZZ_BUILD:-build-fuzz}
if [ -z "${UNSPIN_FUZZ_BUILD:-}" ]; then
  CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUNSPIN_FUZZ=ON \
    -DUNSPIN_SANITIZE=ON -DUNSPIN_BUILD_TESTS=OFF -DUNSPIN_BUILD_BENCHMARKS=OFF -DUNSPIN_BUILD_PYTHON=OFF >/dev/null
fi
cmake --build "$BUILD" --target "${TARGETS[@]/%/_fuzz}" make_seeds
export UNSPIN_MODEL=${UNSPIN_MODEL:-$PWD/build/model}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

SEEDS=$BUILD/seeds
rm -rf "$SEEDS" && mkdir -p "$SEEDS"/{lexicon,index} "$BUILD/crashes"
"$BUILD/fuzz/make_seeds" "$SEEDS" >/dev/null
if [[ " ${TARGETS[*]} " == *" index "* ]]; then
  # A small trace index made with the default model's lexicon, as the
  # target opens it.
  head -3 tests/data/sotu_excerpts.jsonl >"$SEEDS/docs.jsonl"
  build/unspin index add --model "$UNSPIN_MODEL" --index "$SEEDS/idx" "$SEEDS/docs.jsonl" >/dev/null 2>&1
  cp "$SEEDS/idx/index.sqlite" "$SEEDS/index/small.sqlite"
fi

for t in "${TARGETS[@]}"; do
  max_len=4096
  case $t in lexicon|lm) max_len=16384 ;; index) max_len=131072 ;; esac
  dirs=("$BUILD/corpus/$t")
  [ -d "fuzz/corpus/$t" ] && dirs+=("fuzz/corpus/$t")
  [ -d "$SEEDS/$t" ] && dirs+=("$SEEDS/$t")
  mkdir -p "$BUILD/corpus/$t"
  echo "== $t: $SECONDS_EACH s"
  "$BUILD/fuzz/${t}_fuzz" -max_total_time="$SECONDS_EACH" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$BUILD/crashes/$t-" -print_final_stats=1 "${dirs[@]}" 2>&1 |
    grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|.*check failed)" || true
  if ls "$BUILD/crashes/$t-"* >/dev/null 2>&1; then
    echo "fuzz: $t found a crash: $(ls "$BUILD/crashes/$t-"*)" >&2
    exit 1
  fi
done
