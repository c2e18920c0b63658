#!/usr/bin/env bash
# Stop 23, call 1 (one H200, loopback ranks): (a) the cpro variant (the combine's prologue and
# phases in cycles, block 0; a chain of single loads in the last block) at 0, 1, 2 rows on 2 ranks
# and 1 row on 4, two runs each; (b) stop 22's run14: FirstPairRow's check by shuffles (head)
# against __match_any_sync (mfpr), the default (rows once per rank) at 64 and 128 rows, 2 and 4
# ranks, 3 rounds; (c) a2a_ll_test at head.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
nvidia-smi -L; cat build-gpu/COMMIT
for f in 'loopback/world:2/a2a_ll/rows:0/' 'loopback/world:2/a2a_ll/rows:1/' 'loopback/world:2/a2a_ll/rows:2/' 'loopback/world:4/a2a_ll/rows:1/'; do
  for run in 1 2; do
    n=cpro.$(echo $f | tr '/:' '__').$run
    PADGRAPH_DISPATCH_ROWS=1,2 timeout 60 build-gpu/bench/dispatch_combine_bench_cpro --benchmark_filter="$f" > $OUT/$n.log 2>&1
    echo "== $f run $run rc $?"; grep -E "^CW|^CH|^CS|^DW|manual_time" $OUT/$n.log | sed -E 's/ +/ /g' | cut -c1-400
  done
done
(cd $OUT && tar -czf cpro.tgz cpro.*.log && rm cpro.*.log)
export PADGRAPH_DISPATCH_ROWS=64,128 PADGRAPH_AB_ROUNDS=3 PADGRAPH_AB_TIMEOUT_S=60
mkdir -p $OUT/ab && OUT=$OUT/ab tools/ab-bench.sh build-gpu 'loopback/world:[24]/a2a_ll_dedup/rows:(64|128)/' mfpr head 2>&1 | tail -8
(cd $OUT/ab && tar -czf ../ab.tgz . ) && rm -rf $OUT/ab
timeout 150 build-gpu/tests/a2a_ll_test > $OUT/a2a_ll_test.log 2>&1; echo "a2a_ll_test rc $?"
grep -E '^\[  (PASSED|FAILED) |^\[  FAILED  \]' $OUT/a2a_ll_test.log | cut -c1-200 | head -12
