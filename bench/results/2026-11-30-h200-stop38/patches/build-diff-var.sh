#!/usr/bin/env bash
# Stop 37 (used again at stop 38): builds build-gpu/bench/dispatch_combine_bench_NAME and build-gpu/tests/a2a_ll_test_NAME
# from the tree with patches/NAME.diff applied (git apply), for each NAME given; then rebuilds the
# tree itself and packs the object files as tools/build-gpu.sh leaves them. Run from the
# repository root after tools/build-gpu.sh.
set -euo pipefail
patches=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tar -xpf build-gpu.objects.tar -C build-gpu
for name in "$@"; do
  git apply "$patches/$name.diff"
  cmake --build build-gpu --target dispatch_combine_bench a2a_ll_test > /dev/null
  cp build-gpu/bench/dispatch_combine_bench "build-gpu/bench/dispatch_combine_bench_$name"
  cp build-gpu/tests/a2a_ll_test "build-gpu/tests/a2a_ll_test_$name"
  git apply -R "$patches/$name.diff"
done
cmake --build build-gpu > /dev/null
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 |
  tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
{ git rev-parse HEAD; echo dirty; } | paste -sd' ' > build-gpu/COMMIT
