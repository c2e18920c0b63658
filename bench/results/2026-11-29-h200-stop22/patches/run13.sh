#!/usr/bin/env bash
# Stop 22, call 17 (one H200, loopback ranks): the slot table's repeated-id check by shuffles (head)
# against __match_any_sync (base = 5d28f49's benchmark), 0-8 rows, 2, 4 and 8 ranks, 3 rounds;
# then the device-API transports' GPU tests at head (loopback instances).
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0 PADGRAPH_DISPATCH_ROWS=1,2,4,8 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
nvidia-smi -L; cat build-gpu/COMMIT
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[248]/a2a_ll/rows:' base head 2>&1 | tail -20
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu
(cd $OUT/tests && tar -czf ../tests.tgz . ) && rm -rf $OUT/tests
