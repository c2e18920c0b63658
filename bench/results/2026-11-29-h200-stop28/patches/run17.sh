#!/usr/bin/env bash
# Stop 28, call 17 (nvidia-h200-x2, 2 H200 over NVLink, the first 2-GPU machine since stop 26):
# a2a_ll one copy per pair and the default at 1 / 8 / 32 / 128 rows on every SM budget, one round,
# at 1fc400f's kernels (the same as 868b0a0's).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0; nvidia-smi -L; cat build-gpu/COMMIT
PADGRAPH_DISPATCH_ROWS=1,8,32,128 timeout 125 build-gpu/bench/dispatch_combine_bench \
  --benchmark_filter='dispatch_combine/world:2/a2a_ll(_dedup)?/rows:(1|8|32|128)/' \
  --benchmark_out=$OUT/nvlink.json --benchmark_out_format=json > $OUT/nvlink.log 2>&1
echo "rc $?"; grep -E "a2a_ll" $OUT/nvlink.log | tail -30
