#!/usr/bin/env bash
# Stop 26, call 8 (one H200, loopback ranks): head (b0a1956) against "lateep" (each block's
# launch-counter store after the kernel's line sends), "lastwords" (the dispatch's line-count words
# stored by the grid's last blocks) and "both"; 0-16 rows, one copy per pair, 2 ranks at 16 and 32
# SMs, 4 at 16, 8 ranks at 8 (1 row); 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:|8/a2a_ll/rows:1/)' head lateep lastwords both 2>&1 | tail -20 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
