#!/usr/bin/env bash
# Stop 28, call 11 (one H200, loopback ranks): the combine's final sum (21 us of 77 at 128 rows on
# 2 ranks at 16 SMs, call 6): head (868b0a0: a (token, word) per thread, 8 pairs' rows in flight),
# sum2w (2 words per thread, 16 in flight), sumk4 (4 in flight); 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,8,32,64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=120
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_dedup/rows:128|/rows:(1|8|32|64|128))/' head sum2w sumk4 2>&1 | tail -20 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz ab) && rm -rf $OUT/ab
