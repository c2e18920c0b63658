#!/usr/bin/env bash
# Stop 27, call 5 (one H200, loopback ranks): at ea373b6 (parts by columns), the items' mapping with
# one expert's parts on adjacent warps (mapping) and with twice the parts, two items a warp
# (parts2x: 2 parts at 16 SMs, 4 at 32), against head and base (67caf5d), 8-128 rows, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=8,16,32,64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:|8/a2a_ll/rows:8/)' base head mapping parts2x 2>&1 | tail -30 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz ab) && rm -rf $OUT/ab
