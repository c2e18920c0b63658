#!/usr/bin/env bash
# Stop 18 run 4: which change costs the once path at 128 rows. vA: head's dispatch with stop 17's
# conditions for the partial masks and the sends (layout.shape.rank_dedup()); vB: head's combine
# with stop 17's partial_sums condition.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/6-ab-which
PADGRAPH_AB_ROUNDS=3 OUT=$OUT/6-ab-which tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll_dedup/rows:128/' s17 head vA vB 2>&1 | tee $OUT/6-ab-which/table.txt
cd $OUT && tar -czf run4.tgz 6-ab-which
