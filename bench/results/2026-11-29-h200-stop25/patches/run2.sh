#!/usr/bin/env bash
# Stop 25, call 2 (one H200, loopback ranks): prev (HEAD 51bce5e) against head (the compacted list,
# own entries from block 0) and ownb1 (own entries from block 1), 2 ranks at 16 and 32 SMs, 4 at
# 16, 0-8 rows, 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|2|4|8)/' prev head ownb1 2>&1 | tail -16 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
