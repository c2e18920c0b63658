#!/usr/bin/env bash
# Stop 25, call 4 (one H200, loopback ranks): the GPU tests at the tree (the list of lines to send
# holds rows to send only: own pairs counted with the slot table); prev (HEAD 51bce5e) against head
# and owntab (call 3's variant: the own pairs' total from the scan), 2 ranks at 16 and 32 SMs, 4 at
# 16, 0-128 rows, 5 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -6
(cd $OUT/tests && tar -czf ../tests.tgz . ) && rm -rf $OUT/tests
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,128 PADGRAPH_AB_ROUNDS=5 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|2|4|8|16|128)/' prev head owntab 2>&1 | tail -22 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
