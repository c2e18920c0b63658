#!/usr/bin/env bash
# Stop 25, call 10 (one H200, loopback ranks) at 452f864, timing-only diagnostics (the benchmark's
# check skipped: nocheck): cnoload (the combine's line sends store zeros, no load of expert_out),
# cweak (those stores weak, st.global.v2.u64), dnounp (the dispatch's unpack awaits lines but does
# not store them), 2 ranks at 16 and 32 SMs, 4 at 16, 0-8 rows, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|2|4|8)/' head nocheck cnoload cweak dnounp 2>&1 | tail -16 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
