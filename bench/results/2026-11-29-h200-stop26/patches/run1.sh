#!/usr/bin/env bash
# Stop 26, call 1 (one H200, loopback ranks): rows once per rank at 64 / 128 rows, head against
# "fdivrows" (the row paths' owners by the FastDivisor, as before 84389e0), 2 and 4 ranks, 5 rounds;
# then continuous PC sampling (stop 22's pcsamp.cc) of both at 128 rows on 2 ranks (rows once) and
# of head's one copy per pair at 128 rows on 2 ranks at 32 SMs.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/ab && OUT=$OUT/ab PADGRAPH_DISPATCH_ROWS=64,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=60 \
  tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll_dedup/rows:' head fdivrows 2>&1 | tail -12
(cd $OUT/ab && tar -czf ../ab.tgz .) && rm -rf $OUT/ab
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:$LD_LIBRARY_PATH
run_pc() {  # name binary filter
  CUDA_INJECTION64_PATH=$PWD/tools/tmpdiag/libpcsamp.so PCSAMP_FILTER=Kernel PCSAMP_TOP=80 \
    PADGRAPH_DISPATCH_ROWS=128 timeout 120 build-gpu/bench/$2 --benchmark_filter="$3" > $OUT/pc.$1.log 2>&1
  echo "$1 rc $?"; grep -E "manual_time|^== " $OUT/pc.$1.log | cut -c1-160
}
run_pc dedup-head dispatch_combine_bench 'loopback/world:2/a2a_ll_dedup/rows:128/'
run_pc dedup-fdivrows dispatch_combine_bench_fdivrows 'loopback/world:2/a2a_ll_dedup/rows:128/'
run_pc pairs32-head dispatch_combine_bench 'loopback/world:2/a2a_ll/rows:128/sms:32/'
