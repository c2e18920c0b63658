#!/usr/bin/env bash
# Stop 23, call 7 (one H200, loopback ranks): the combine's list entries loaded after its first
# barrier (lateent) and, on top, the row path's counts loaded after it only for a peer that sent
# rows (latepre), against head (f87009a), 0-128 rows on 2 and 4 ranks, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,32,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|2|4|8|32|128)/' head lateent latepre 2>&1 | tail -16
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
