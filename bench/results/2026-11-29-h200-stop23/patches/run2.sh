#!/usr/bin/env bash
# Stop 23, call 2 (one H200, loopback ranks): (a) cpro2 (cpro plus block 0 thread 0's values
# consumed one by one after the combine's first barrier) at 0 and 1 row on 2 ranks, two runs each
# (not at 4 ranks: cpro's printf and spills give the combine a stack frame, and its first launch
# hung 4 loopback ranks twice in call 1); (b) 256-thread blocks (t256) against head (512) at 0, 1,
# 2, 4, 8, 32 rows, 2 and 4 ranks, 3 rounds.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for f in 'loopback/world:2/a2a_ll/rows:0/' 'loopback/world:2/a2a_ll/rows:1/'; do
  for run in 1 2; do
    n=cpro2.$(echo $f | tr '/:' '__').$run
    PADGRAPH_DISPATCH_ROWS=1 timeout 60 build-gpu/bench/dispatch_combine_bench_cpro2 --benchmark_filter="$f" > $OUT/$n.log 2>&1
    echo "== $f run $run rc $?"; grep -E "^CW|^CS|^CP|manual_time" $OUT/$n.log | sed -E 's/ +/ /g' | cut -c1-300
  done
done
(cd $OUT && tar -czf cpro2.tgz cpro2.*.log && rm cpro2.*.log)
export PADGRAPH_DISPATCH_ROWS=1,2,4,8,32 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll/rows:(0|1|2|4|8|32)/' t256 head 2>&1 | tail -14
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
