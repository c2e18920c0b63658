#!/usr/bin/env bash
# Stop 28, call 9 (one H200, loopback ranks): the combine's partial sums of rows once per rank by
# members' rows at once x 16-byte words per lane: head (fe3de27: 4 x 2), pm2w4 (call 8's best),
# pm1w8, pm2w6, pm1w4 (pm2w8 spills: not run); 5 rounds, rows once per rank and 1-8 rows.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,8,64,96,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=120
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_dedup/rows:(64|96|128)|/rows:(1|8))/' head pm2w4 pm1w8 pm2w6 pm1w4 2>&1 | tail -30 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz ab) && rm -rf $OUT/ab
