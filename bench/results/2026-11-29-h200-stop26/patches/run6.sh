#!/usr/bin/env bash
# Stop 26, call 6 (one H200, loopback ranks): head (b0a1956) against "tma" (prototype: the
# combine's copy of rows back by cp.async.bulk through shared memory, lane 0 of each warp), 1-128
# rows, one copy per pair on 2 ranks at 16 and 32 SMs and 4 at 16, the default at 64 / 128; 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,8,32,64,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:[1-9]|[24]/a2a_ll_dedup/rows:(64|128)/)' head tma 2>&1 | tail -22 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
