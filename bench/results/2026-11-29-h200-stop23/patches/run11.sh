#!/usr/bin/env bash
# Stop 23, call 11 (one H200, loopback ranks): the combine numbering its warps warp-major (spread)
# against head (0138e59), 0-128 rows on 2 and 4 ranks, 1 and 8 rows on 8, 3 rounds; a2a_ll_test
# with the variant's kernels is not run (timing only).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,32,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:(0|1|2|4|8|32|128)|8/a2a_ll/rows:(1|8))/' head spread 2>&1 | tail -17
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
