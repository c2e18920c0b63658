#!/usr/bin/env bash
# Stop 27, call 11 (one H200, loopback ranks): what the lines-only instance lost at 1-4 rows with
# the spread rows (ee50359): prev (67caf5d) / head / nospreadrx (the instance without the spread
# sources' receive; timing only) / int32pe (the slot table's experts as int), 0-4 rows, 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([248]/a2a_ll/rows:[0-4]/)' prev head nospreadrx int32pe 2>&1 | tail -20 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz ab) && rm -rf $OUT/ab
