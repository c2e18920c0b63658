#!/usr/bin/env bash
# Stop 24, call 14 (one H200, loopback ranks) at 0c2a480 + the two-barrier BlockExclusiveScan (the
# dispatch's receive giving it its barrier; the combine's row counts by t and blockDim.x + t): the
# GPU tests; prev (0c2a480's kernels) against head, 0-128 rows on 2 (16 and 32 SMs) and 4 ranks,
# 1 and 8 on 8, rows once per rank at 64 and 128, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -6
(cd $OUT/tests && tar -czf ../tests.tgz . ) && rm -rf $OUT/tests
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:(0|1|2|4|8|16|32|128)/|8/a2a_ll/rows:(1|8)/|[24]/a2a_ll_dedup/rows:(64|128)/)' prev head 2>&1 | tail -31 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
