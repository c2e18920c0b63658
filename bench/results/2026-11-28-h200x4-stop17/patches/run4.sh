#!/usr/bin/env bash
# Stop 17 run 4: rank_dedup with partial sums back: a2a_ll_test, A/B against the dispatch-only
# dedup (7197871, "manywaits"), the dispatch table with torch.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/test $OUT/ab $OUT/bench
timeout 150 build-gpu/tests/a2a_ll_test > $OUT/test/a2a_ll_test.log 2>&1; echo "a2a_ll_test rc $?" > $OUT/test/summary.txt
grep -E '^\[  (FAILED|PASSED) |Failure|rank_dedup' $OUT/test/a2a_ll_test.log | head -30 >> $OUT/test/summary.txt
OUT=$OUT/ab PADGRAPH_AB_ROUNDS=2 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll_dedup/rows:(32|128)/sms:(64|128)' manywaits head > $OUT/ab/table.txt 2>&1
OUT=$OUT/bench PADGRAPH_BENCH_TIMEOUT_S=240 tools/dispatch-bench.sh build-gpu > $OUT/bench/table.txt 2>&1
cd $OUT && tar -czf run4.tgz test ab bench && cat test/summary.txt && tail -9 ab/table.txt && sed -n '/W rows/,/loopback/p' bench/table.txt && rm -rf test ab bench
