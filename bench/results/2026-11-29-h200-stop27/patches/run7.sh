#!/usr/bin/env bash
# Stop 27, call 7 (one H200, loopback ranks): how much the experts' uneven draws cost. head
# (ea373b6) on the benchmark's uniform random routing against the same kernels on a routing that
# gives every expert the same pairs (balanced: token t picks t + 32 k), 16-128 rows, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=16,32,64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:|2/a2a_ll_dedup/rows:(64|128)/)' head balanced 2>&1 | tail -30 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz ab) && rm -rf $OUT/ab
