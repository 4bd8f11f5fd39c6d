#!/usr/bin/env bash
# Command 2 of 2: the whole test suite. Builds what it needs (a release
# build with the default model, and an AddressSanitizer +
# UndefinedBehaviorSanitizer build with clang) and runs every test in
# both, then runs each libFuzzer target of the sanitizer build briefly.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
jobs=$(nproc)

echo "== release build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"
build/unspin model build
(cd build && ctest --output-on-failure -j "$jobs")

echo "== sanitizer build (ASan + UBSan, clang, with the libFuzzer targets)"
# One clang build serves the sanitizer tests and the fuzz targets; a
# build-asan/ left by another compiler is made afresh.
if [ -f build-asan/CMakeCache.txt ] && ! grep -q '^CMAKE_CXX_COMPILER:.*clang' build-asan/CMakeCache.txt; then
  rm -rf build-asan
fi
CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DUNSPIN_SANITIZE=ON -DUNSPIN_FUZZ=ON \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
cmake --build build-asan -j "$jobs"
build-asan/unspin model build
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j "$jobs")

echo "== fuzzing, 10 s per target (scripts/fuzz.sh; longer runs: scripts/fuzz.sh 3600)"
UNSPIN_FUZZ_BUILD=build-asan scripts/fuzz.sh 10
