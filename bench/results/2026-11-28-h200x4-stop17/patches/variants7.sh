#!/usr/bin/env bash
# Builds dispatch_combine_bench_<v> for each variant of probe7.py, restoring the tree after each.
set -euo pipefail
cd /work/main
tar -xpf build-gpu.objects.tar -C build-gpu
for v in "$@"; do
  python3 tools/tmpdiag/probe7.py "$v"
  cmake --build build-gpu --target dispatch_combine_bench > /tmp/build-$v.log 2>&1 || { tail -30 /tmp/build-$v.log; git checkout ep_backend bench; exit 1; }
  cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_${v//+/_}
  git checkout ep_backend bench
done
cmake --build build-gpu > /tmp/build-head.log 2>&1
git rev-parse HEAD > build-gpu/COMMIT
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 | tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
du -sh build-gpu
