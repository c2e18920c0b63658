#!/usr/bin/env bash
# Stop 23, call 4 (one H200, loopback ranks): continuous PC sampling (stop 22's pcsamp.cc, every PC)
# of head and of t256 at 1 row, 2 ranks.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64:$LD_LIBRARY_PATH
nvidia-smi -L; cat build-gpu/COMMIT
for v in head t256; do
  b=build-gpu/bench/dispatch_combine_bench; [[ $v == head ]] || b+=_$v
  CUDA_INJECTION64_PATH=$PWD/tools/tmpdiag/libpcsamp.so PCSAMP_FILTER=Kernel PCSAMP_TOP=100000 \
    timeout 120 $b --benchmark_filter="loopback/world:2/a2a_ll/rows:1/" > $OUT/pcsamp.$v.log 2>&1
  echo "$v rc $?"; grep -E "pcsamp:|manual_time|^==" $OUT/pcsamp.$v.log | head -8
done
(cd $OUT && tar -czf pcsamp.tgz pcsamp.*.log && rm pcsamp.*.log)
