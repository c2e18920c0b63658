#!/usr/bin/env bash
# Stop 19 run 1: where 1-8 rows lost 0.7 us since stop 16 (s16 = 3ab6493, s17a = bf4df5e, s17b =
# 7197871, s17 = c50f6de, head = 9bbba91, cnt = head with the path counter added before the waits),
# and rows once per rank at 40-128 rows on the final build (for the cost model's refit).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm --format=csv | head -3
mkdir -p $OUT/1-ab-small $OUT/2-refit
PADGRAPH_AB_ROUNDS=3 OUT=$OUT/1-ab-small tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll/rows:(1|8)/sms:(32|128)/' s16 s17a s17b s17 head cnt 2>&1 | sed 's|/iterations:15/manual_time||; s|dispatch_combine/||' | tee $OUT/1-ab-small/table.txt
PADGRAPH_DISPATCH_ROWS=40,48,64,96,128 PADGRAPH_AB_ROUNDS=2 OUT=$OUT/2-refit tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll(_dedup)?/rows' head 2>&1 | sed 's|/iterations:15/manual_time||; s|dispatch_combine/||' | tee $OUT/2-refit/table.txt
cd $OUT && tar -czf run1.tgz 1-ab-small 2-refit
