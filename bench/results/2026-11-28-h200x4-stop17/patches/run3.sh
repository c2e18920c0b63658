#!/usr/bin/env bash
# Stop 17 run 3: where rank_dedup's time goes (probe7.py variants, timing only) and the one-wait
# change's tests.
source build-gpu/env.sh; export NCCL_GRAPH_MIXING_SUPPORT=0
mkdir -p $OUT/ab $OUT/test
timeout 120 build-gpu/tests/a2a_ll_test --gtest_filter='*Random*:*RowsOncePerRank*' > $OUT/test/a2a_ll_test.log 2>&1; echo "a2a_ll_test rc $?" > $OUT/test/summary.txt
grep -E '^\[  (FAILED|PASSED) ' $OUT/test/a2a_ll_test.log >> $OUT/test/summary.txt
OUT=$OUT/ab PADGRAPH_AB_ROUNDS=2 tools/ab-bench.sh build-gpu 'dispatch_combine/world:(2|4)/a2a_ll(_dedup)?/rows:(32|128)/sms:128' manywaits head nofan nofanloop noscan > $OUT/ab/table.txt 2>&1
cd $OUT && tar -czf run3.tgz ab test && cat test/summary.txt && tail -10 ab/table.txt && rm -rf ab test
