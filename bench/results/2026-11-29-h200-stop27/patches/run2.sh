#!/usr/bin/env bash
# Stop 27, call 2 (one H200, loopback ranks): columns with the origins stored after the copy, against
# base (67caf5d), 8/32/128 rows, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=8,32,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:)' base head 2>&1 | tail -30 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz ab) && rm -rf $OUT/ab
