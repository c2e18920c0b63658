#!/usr/bin/env bash
# Stop 18 run 3: is the default (rows once per rank from 33 rows) slower than stop 17's rank_dedup?
# s17: f3fca79's benchmark and kernels (rank_dedup = true); head: b602323; headret: head with the
# dedup instance's return_line_rows at line_rows, as stop 17 forced it.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/5-ab-dedup
PADGRAPH_AB_ROUNDS=3 OUT=$OUT/5-ab-dedup tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll(_dedup)?/rows:(32|128)/' s17 head headret 2>&1 | tee $OUT/5-ab-dedup/table.txt
cd $OUT && tar -czf run3.tgz 5-ab-dedup
