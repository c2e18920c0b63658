#!/usr/bin/env bash
# Stop 23, call 15 (one H200, loopback ranks): an expert's owner and local index by the operators
# everywhere (nodivown) or in the row paths only (nodivrows) against head (43fc094) and base
# (49737aa): rows once per rank at 64 and 128 rows and one copy per pair at 1-8 rows, 2 and 4
# ranks, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/(a2a_ll_dedup/rows:(64|128)|a2a_ll/rows:(1|2|4|8))/' base head nodivown nodivrows 2>&1 | tail -14
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
