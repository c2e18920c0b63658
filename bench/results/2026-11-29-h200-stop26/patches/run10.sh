#!/usr/bin/env bash
# Stop 26, call 10 (one H200, loopback ranks): head (b0a1956) against "tma3" (prototype: bulk copies
# on both legs, the dispatch's row sends and the combine's rows back, each in instances launched
# with the shared memory only where they copy rows; the combine's other instance is head's SASS),
# 1-128 rows, one copy per pair on 2 ranks at 16 and 32 SMs and 4 at 16, the default at 64 / 128;
# 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,8,16,32,64,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:[1-9]|[24]/a2a_ll_dedup/rows:(64|128)/)' head tma3 2>&1 | tail -24 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
