#!/usr/bin/env bash
# Stop 25, call 11 (one H200, loopback ranks) at 452f864: head against cap129 / cap136 (benchmark
# only: a capacity of 129 / 136 rows per source, so the receive regions do not start at multiples of
# 256 KiB), 2 ranks at 16 and 32 SMs, 4 at 16, 0-8 and 128 rows, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|2|4|8|128)/' head cap129 cap136 2>&1 | tail -19 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
