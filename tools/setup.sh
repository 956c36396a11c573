#!/usr/bin/env bash
# Idempotent setup for a fresh Debian 12 machine: installs the Debian packages fieldgen needs (only
# those missing), configures and builds (Release, out of source in build/).
#   tools/setup.sh          install + build
#   tools/setup.sh test     install + build + run the test suite (ctest)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config zlib1g-dev openmpi-bin libopenmpi-dev
  libtrilinos-kokkos-dev libtrilinos-kokkos-kernels-dev petsc-dev libhdf5-openmpi-dev
  libboost-program-options-dev doctest-dev librandom123-dev libopenblas-dev libfftw3-dev
  dataset-fashion-mnist python3-matplotlib python3-h5py python3-numpy)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"

if [ "${1:-}" = "test" ]; then
  export OPENBLAS_NUM_THREADS=1
  ctest --test-dir build --output-on-failure
fi
