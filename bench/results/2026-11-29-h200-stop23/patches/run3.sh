#!/usr/bin/env bash
# Stop 23, call 3 (one H200, loopback ranks): (a) cpro2pre (cpro2's stamps with the parameters
# touched before griddepcontrol.wait) at 0 and 1 row on 2 ranks; (b) cpre (thread 0 loads a word of
# every 32 bytes of the parameters before the wait) against head at 0, 1, 2, 4, 8, 32 rows on 2
# and 4 ranks and 1, 8 rows on 8 ranks, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for f in 'loopback/world:2/a2a_ll/rows:0/' 'loopback/world:2/a2a_ll/rows:1/'; do
  n=cpro2pre.$(echo $f | tr '/:' '__')
  PADGRAPH_DISPATCH_ROWS=1 timeout 60 build-gpu/bench/dispatch_combine_bench_cpro2pre --benchmark_filter="$f" > $OUT/$n.log 2>&1
  echo "== $f rc $?"; grep -E "^CW|^CS|^CP|^DW|manual_time" $OUT/$n.log | sed -E 's/ +/ /g' | cut -c1-300
done
(cd $OUT && tar -czf cpro2pre.tgz cpro2pre.*.log && rm cpro2pre.*.log)
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,32 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:([24]/a2a_ll/rows:(0|1|2|4|8|32)|8/a2a_ll/rows:(1|8))/' cpre head 2>&1 | tail -16
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
