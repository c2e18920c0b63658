#!/usr/bin/env bash
# Stop 23, call 10 (one H200, loopback ranks): the combine's row-path counts in registers, scanned
# only for a peer that sent rows (head, see COMMIT), against prev (ed50b9e), 0-128 rows on 2 and 4
# ranks, 1 and 8 rows on 8, 3 rounds; the GPU tests at head.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,32,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:(0|1|2|4|8|32|128)|8/a2a_ll/rows:(1|8))/' prev head 2>&1 | tail -17
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
mkdir -p $OUT/tests && OUT=$OUT/tests tools/issue4-check.sh build-gpu 2>&1 | tail -6
(cd $OUT/tests && tar -czf ../tests.tgz . ) && rm -rf $OUT/tests
