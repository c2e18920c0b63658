#!/usr/bin/env bash
# Stop 32, call 6 (2 x H200 over NVLink): continuous PC sampling (stop 22's pcsamp.cc, built into
# build-gpu/libpcsamp.so as stop 31's run4.sh says) of head0 (HEAD's kernels) and head (lines
# placed by pair) at 1 row, one copy per pair, 128 SMs; the SASS of head for the offsets.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:$LD_LIBRARY_PATH
cat build-gpu/COMMIT; mkdir -p $OUT/pc
for v in head0 head; do
  bin=build-gpu/bench/dispatch_combine_bench; [[ $v == head ]] || bin+=_$v
  PADGRAPH_DISPATCH_ROWS=1 CUDA_INJECTION64_PATH=$PWD/build-gpu/libpcsamp.so PCSAMP_FILTER=Kernel PCSAMP_TOP=120 \
    timeout 120 $bin --benchmark_filter="dispatch_combine/world:2/a2a_ll/rows:1/sms:128/" > $OUT/pc/pcsamp.$v.log 2>&1
  echo "$v rc $?"; grep -E "manual_time" $OUT/pc/pcsamp.$v.log | head -2
  grep -B2 -A14 "== .*DispatchKernel" $OUT/pc/pcsamp.$v.log | head -18
done
cuobjdump -sass build-gpu/bench/dispatch_combine_bench > $OUT/pc/head.sass 2>&1; echo "sass rc $?"
cuobjdump -sass build-gpu/bench/dispatch_combine_bench_head0 > $OUT/pc/head0.sass 2>&1
(cd $OUT && tar -czf pc.tgz pc && rm -rf pc)
