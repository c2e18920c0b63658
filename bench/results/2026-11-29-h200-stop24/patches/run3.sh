#!/usr/bin/env bash
# Stop 24, call 3 (one H200, loopback ranks) at head: capacity 128 (head, sm32) against 16 (cap16,
# cap16sm32) on 2 ranks at 16 and 32 SMs, 0-16 rows, 3 rounds: does the spread of the receive
# rows over the windows' pages cost the small counts?
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:2/a2a_ll/rows:(0|1|2|4|8|16)/' head cap16 sm32 cap16sm32 2>&1 | tail -14 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
