#!/usr/bin/env bash
# Stop 24, call 5 (one H200, loopback ranks): revsum (the combine's line sum from the last warp)
# against head, 16 SMs (2, 4 ranks; 8 at 8 SMs) and 32 SMs (sm32, revsum32; 2 ranks), 0-128 rows,
# 3 rounds; the timeline of revsum at 32 SMs, 1 row.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16,32,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:(0|1|2|4|8|16|32|128)/|8/a2a_ll/rows:(1|8)/)' head revsum 2>&1 | tail -19 | sed -E 's/iterations:15.manual_time//'
OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:2/a2a_ll/rows:(0|1|2|4|8|16|32|128)/' sm32 revsum32 2>&1 | tail -9 | sed -E 's/iterations:15.manual_time//'
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
PADGRAPH_DISPATCH_ROWS=1 timeout 60 build-gpu/bench/dispatch_combine_bench_tlrev32 --benchmark_filter="loopback/world:2/a2a_ll/rows:1/" > $OUT/tlrev32.log 2>&1
echo "== tlrev32 rc $?"; grep -E "^(TL|CK) . rank 0|manual_time" $OUT/tlrev32.log | sed -E 's/ +/ /g' | cut -c1-170
