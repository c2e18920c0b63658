#!/usr/bin/env bash
# Stop 27, call 1 (one H200, loopback ranks): the row path's dispatch sends by columns (every row of
# an expert, one part's columns per warp, a 32-token group's rows copied as one flat run) against
# base (67caf5d, token parts): GPU tests + SASS check, then A/B at 8-128 rows, 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -7
export PADGRAPH_DISPATCH_ROWS=8,16,32,64,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=90
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:|2/a2a_ll_dedup/rows:(64|128)/)' base head 2>&1 | tail -30 | sed -E 's/iterations:15.manual_time//'
(cd $OUT && tar -czf all.tgz tests ab) && rm -rf $OUT/tests $OUT/ab
