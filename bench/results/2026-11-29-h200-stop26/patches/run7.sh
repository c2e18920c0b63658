#!/usr/bin/env bash
# Stop 26, call 7 (one H200, loopback ranks): head (b0a1956), "tma", "tma2" (mbarriers set up at a
# warp's first bulk copy, the final wait only where one ran) and "smemonly" (head launched with tma's
# 112 KiB of dynamic shared memory, unused); 1-128 rows as call 6, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,8,32,64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:[1-9]|[24]/a2a_ll_dedup/rows:(64|128)/)' head tma tma2 smemonly 2>&1 | tail -22 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
