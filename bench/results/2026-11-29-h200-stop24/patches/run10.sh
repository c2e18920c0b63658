#!/usr/bin/env bash
# Stop 24, call 10 (one H200, loopback ranks) at 6899ebc: unpack2 (stop 23's rejected two-units
# unpack) against head at 16 SMs (2, 4 ranks) and at 32 SMs (2 ranks: revsum32 = head, unpack232),
# with both32 (the reordered dispatch) again, 1-16 rows, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(1|2|4|8|16)/' head unpack2 2>&1 | tail -11 | sed -E 's/iterations:15.manual_time//'
OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:2/a2a_ll/rows:(1|2|4|8|16)/' revsum32 unpack232 both32 2>&1 | tail -6 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
