#!/usr/bin/env bash
# Shared set-up for tools/run.sh and tools/test.sh on a fresh Debian 12 machine: installs the
# missing build dependencies with apt-get (as root), then configures and builds into build/ (or
# $PADGRAPH_BUILD_DIR), reusing an existing build folder. The CUDA toolkit and NCCL are not
# installed here: with PADGRAPH_CUDA=AUTO (the default) the CUDA parts build only where nvcc is.
set -euo pipefail

padgraph_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
padgraph_build=${PADGRAPH_BUILD_DIR:-$padgraph_root/build}

padgraph_install_dependencies() {
  local packages=(cmake ninja-build g++ pkg-config libabsl-dev libfmt-dev nlohmann-json3-dev
                  libgtest-dev libgmock-dev libbenchmark-dev python3)
  local missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing packages: ${missing[*]}; run as root or install them" >&2
    return 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

padgraph_configure_and_build() {
  # nvcc is usually not on PATH on a fresh machine; point CMake at the toolkit when it is there.
  if ! command -v nvcc >/dev/null && [[ -x /usr/local/cuda/bin/nvcc ]]; then
    export CUDACXX=${CUDACXX:-/usr/local/cuda/bin/nvcc}
  fi
  if [[ ! -f $padgraph_build/CMakeCache.txt ]]; then
    cmake -S "$padgraph_root" -B "$padgraph_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DPADGRAPH_CUDA="${PADGRAPH_CUDA:-AUTO}"
  fi
  cmake --build "$padgraph_build" --parallel "$(nproc)"
}

padgraph_install_dependencies
padgraph_configure_and_build
