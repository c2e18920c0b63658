#!/usr/bin/env bash
# Stop 22, call 13 (one H200, loopback ranks): continuous PC sampling (patches/pcsamp.cc, CUPTI,
# kernels not serialized) of the benchmark at 1 row and at 0 rows, 2 ranks, tree 5d28f49: samples
# per stall reason and the top PCs of the dispatch and combine kernels.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:$LD_LIBRARY_PATH
nvidia-smi -L; cat build-gpu/COMMIT
for rows in 1 0; do
  echo "=== rows $rows"
  CUDA_INJECTION64_PATH=$PWD/tools/tmpdiag/libpcsamp.so PCSAMP_FILTER=Kernel PCSAMP_TOP=60 \
    timeout 120 build-gpu/bench/dispatch_combine_bench --benchmark_filter="loopback/world:2/a2a_ll/rows:$rows/" > $OUT/pcsamp.rows$rows.log 2>&1
  echo "rc $?"; grep -E "pcsamp|manual_time" $OUT/pcsamp.rows$rows.log | head -5
done
grep -A70 "== .*DispatchKernel" $OUT/pcsamp.rows1.log | head -75
