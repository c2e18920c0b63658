#!/usr/bin/env bash
# Stop 24, call 1 (one H200, loopback ranks) at head: 2 ranks at 16 SMs (head) and at 32 SMs
# (sm32: the NVLink runs' budget, line_rows 8), 0-16 rows, 3 rounds; the timeline variant at 1 and
# 8 rows at 32 SMs and at 1 row at 16.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,16 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:2/a2a_ll/rows:(0|1|2|4|8|16)/' head sm32 2>&1 | tail -14
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
for v in tlsm32:1 tlsm32:8 timeline:1; do
  b=${v%%:*}; r=${v#*:}; n=$b.rows$r
  PADGRAPH_DISPATCH_ROWS=$r timeout 60 build-gpu/bench/dispatch_combine_bench_$b --benchmark_filter="loopback/world:2/a2a_ll/rows:$r/" > $OUT/$n.log 2>&1
  echo "== $n rc $?"; grep -E "^TL|manual_time" $OUT/$n.log | sed -E 's/ +/ /g' | cut -c1-170
done
(cd $OUT && tar -czf timeline.tgz *.log && rm *.log)
