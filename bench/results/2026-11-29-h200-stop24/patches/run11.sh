#!/usr/bin/env bash
# Stop 24, call 11 (one H200, loopback ranks) at 0c2a480 (the benchmark's 32-SM loopback case):
# head against base (the stop's start: the line sum from the first warp) and the dispatch's warps
# numbered warp-major (dunp: the unpack; dsend: the lines' sends; dboth), 2 ranks at 16 and 32 SMs,
# 4 at 16, 8 at 8, 0-128 rows, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:(0|1|2|4|8|16|32|128)/|8/a2a_ll/rows:(1|8)/)' base head dunp dsend dboth 2>&1 | tail -27 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
