#!/usr/bin/env bash
# Stop 19 run 2: the row path's and rows-once code out of line (outline: tools/tmpdiag/outline.py
# and outline2.py on 9bbba91) against head and stop 16's build, 1 / 8 / 128 rows.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/3-ab-outline
PADGRAPH_AB_ROUNDS=3 OUT=$OUT/3-ab-outline tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll(_dedup)?/rows:(1|8|128)/' s16 head outline 2>&1 | sed 's|/iterations:15/manual_time||; s|dispatch_combine/||' | tee $OUT/3-ab-outline/table.txt
cd $OUT && tar -czf run2.tgz 3-ab-outline
