#!/usr/bin/env bash
# Stop 31, call 4 (2 x H200 over NVLink): continuous PC sampling (stop 22's pcsamp.cc, CUPTI, 2^10
# cycles per sample) of head's benchmark at 8 rows and at 1 row, one copy per pair, 128 SMs; the
# SASS of head's kLinesOneUnit dispatch and combine kernels for the offsets. libpcsamp.so was built
# on the CPU machine from stop 22's patches/pcsamp.cc:
#   g++ -O2 -shared -fPIC -std=c++17 pcsamp.cc -I/usr/local/cuda/include -L/usr/local/cuda/lib64 \
#     -L/usr/local/cuda/lib64/stubs -lcupti -lcuda -o libpcsamp.so
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:$LD_LIBRARY_PATH
cat build-gpu/COMMIT; mkdir -p $OUT/pc
for rows in 8 1; do
  echo "=== rows $rows"
  PADGRAPH_DISPATCH_ROWS=$rows CUDA_INJECTION64_PATH=$PWD/bench/results/2026-11-29-h200-stop31/patches/libpcsamp.so PCSAMP_FILTER=Kernel PCSAMP_TOP=80 \
    timeout 120 build-gpu/bench/dispatch_combine_bench --benchmark_filter="dispatch_combine/world:2/a2a_ll/rows:$rows/sms:128/" > $OUT/pc/pcsamp.rows$rows.log 2>&1
  echo "rc $?"; grep -E "pcsamp|manual_time" $OUT/pc/pcsamp.rows$rows.log | head -5
done
cuobjdump -sass build-gpu/bench/dispatch_combine_bench > $OUT/pc/head.sass 2>&1; echo "sass rc $?"
grep -A60 "== .*DispatchKernel" $OUT/pc/pcsamp.rows8.log | head -64
(cd $OUT && tar -czf pc.tgz pc && rm -rf pc)
