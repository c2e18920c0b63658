#!/usr/bin/env bash
# Stop 31, call 5 (2 x H200 over NVLink) at 9b6b201: sumsplit (patches/sumsplit.py: the combine's
# line sends leave out the last warps, which sum lines back) against head, one copy per pair, 1-32
# rows, 32 / 64 / 128 SMs, 3 rounds. Built with build-variants.sh sumsplit=sumsplit.py.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=100
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'dispatch_combine/world:2/a2a_ll/rows:[0-9]+/sms:(32|64|128)/' head sumsplit 2>&1 | tail -22
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
