#!/usr/bin/env bash
# Stop 25, call 16 (one H200, loopback ranks) at 452f864: head against u2 / u4 (the lines-only
# dispatch instance loads two / four units per warp before storing them: loads after a store wait
# for it, call 14), 2 ranks at 16 and 32 SMs, 4 at 16, 1-16 rows, 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(1|2|4|8|16)/' head u2 u4 2>&1 | tail -16 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
