#!/usr/bin/env bash
# Stop 28, call 13 (one H200, loopback ranks): the peers' copies of a spread source's rows once per
# rank by more items (slot ranges of each (local expert, source, part)): head (29c1812), pieces4,
# pieces8; 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,8,64,96,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=120
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll(_dedup/rows:(64|96|128)|/rows:(1|8))/' head pieces4 pieces8 2>&1 | tail -14 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz ab) && rm -rf $OUT/ab
