#!/usr/bin/env bash
# Stop 28, call 18 (2 H200 over NVLink): call 17 again with the egress probes first (so that every
# case reports the byte floor: bytes of real pairs over the busiest GPU's measured egress) and
# a2a_padded and allgather beside a2a_ll.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0; nvidia-smi -L
PADGRAPH_DISPATCH_ROWS=1,8,32,128 timeout 100 build-gpu/bench/dispatch_combine_bench \
  --benchmark_filter='egress/world:2|dispatch_combine/world:2/(a2a_ll(_dedup)?|a2a_padded|allgather)/rows:(1|8|32|128)/' \
  --benchmark_out=$OUT/nvlink2.json --benchmark_out_format=json > $OUT/nvlink2.log 2>&1
echo "rc $?"; grep -E "egress|a2a_ll|a2a_padded|allgather" $OUT/nvlink2.log
