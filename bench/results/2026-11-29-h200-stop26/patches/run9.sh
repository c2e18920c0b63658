#!/usr/bin/env bash
# Stop 26, call 9 (one H200, loopback ranks): continuous PC sampling (stop 22's pcsamp.cc) of head
# (b0a1956) at 128 rows, one copy per pair, 2 ranks at 32 SMs; and at 64 rows: where the row path's
# time goes once the copies keep their loads ahead of their stores.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:$LD_LIBRARY_PATH
nvidia-smi -L; cat build-gpu/COMMIT
for rows in 128 64; do
  CUDA_INJECTION64_PATH=$PWD/tools/tmpdiag/libpcsamp.so PCSAMP_FILTER=Kernel PCSAMP_TOP=80 \
    PADGRAPH_DISPATCH_ROWS=$rows timeout 120 build-gpu/bench/dispatch_combine_bench \
    --benchmark_filter="loopback/world:2/a2a_ll/rows:$rows/sms:32/" > $OUT/pc.pairs32.rows$rows.log 2>&1
  echo "rows $rows rc $?"; grep -E "manual_time|^== " $OUT/pc.pairs32.rows$rows.log | cut -c1-160
done
