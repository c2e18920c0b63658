#!/usr/bin/env bash
# Builds build-gpu/ (or the folder given, under the repository root) (CUDA ON, sm_90, Release) on
# this CPU machine for the lent H100 machines,
# bundles the libraries they lack (../shared/tools/bundle-libs.sh) and drops object files so the
# folder can be carried (64 MiB at most). Then, on the GPU machine:
#   source build-gpu/env.sh; tools/gpu-check.sh build-gpu
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/${1:-build-gpu}
bundle=${PADGRAPH_BUNDLE_LIBS:-$root/../shared/tools/bundle-libs.sh}

# Object files and static libraries are kept beside the folder (not carried) and put back before
# building, so a rebuild compiles only what changed.
objects=$build.objects.tar
if [[ -f $objects ]]; then tar -xpf "$objects" -C "$build"; fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPADGRAPH_CUDA=ON \
  -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc -DCMAKE_CUDA_ARCHITECTURES=90
cmake --build "$build" --parallel "$(nproc)"
{ git -C "$root" rev-parse HEAD; git -C "$root" diff --quiet HEAD || echo dirty; } |
  paste -sd' ' > "$build/COMMIT"
(cd "$build" && find . \( -name '*.o' -o -name '*.a' \) -print0 |
  tar --null -cpf "$objects" -T - --remove-files)
"$bundle" "$build"
