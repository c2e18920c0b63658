#!/usr/bin/env bash
# Stop 18 run 6: which change costs the once path at 128 rows (head = 5752905). vD: stop 17's
# kernels with the new shape field (rank_dedup_rows, rank_dedup()); vF: head with stop 17's kernel
# logic (no per-launch once, no mode bit: every row-path source sends once).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/10-ab-bisect
PADGRAPH_AB_ROUNDS=3 OUT=$OUT/10-ab-bisect tools/ab-bench.sh build-gpu 'dispatch_combine/world:[24]/a2a_ll_dedup/rows:128/' s17 head vD vF 2>&1 | tee $OUT/10-ab-bisect/table.txt
cd $OUT && tar -czf run6.tgz 10-ab-bisect
